#include <cstdio>
int main() { std::puts("mote"); return 0; }
