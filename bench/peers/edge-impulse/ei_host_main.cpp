// Host (x86) driver for ei_block.cpp: runs the SDK block on every window of a float32 file and writes the
// outputs, for bench/ei_dsp/run.py's host comparison. The SDK's own POSIX porting layer is compiled beside it
// in place (porting/posix/ei_classifier_porting.cpp).
// Usage: ei_host WINDOWS IN_LEN OUT_LEN DATA.f32 OUT.f32
#include <stdio.h>
#include <stdlib.h>

#include <vector>

int bench_block(const float* in, float* out, size_t out_len);

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: ei_host WINDOWS IN_LEN OUT_LEN DATA.f32 OUT.f32\n");
    return 2;
  }
  const size_t windows = strtoul(argv[1], 0, 10), in_len = strtoul(argv[2], 0, 10), out_len = strtoul(argv[3], 0, 10);
  std::vector<float> in(windows * in_len), out(windows * out_len);
  FILE* f = fopen(argv[4], "rb");
  if (!f || fread(in.data(), sizeof(float), in.size(), f) != in.size()) {
    fprintf(stderr, "ei_host: cannot read %s\n", argv[4]);
    return 1;
  }
  fclose(f);
  for (size_t w = 0; w < windows; ++w) {
    int rc = bench_block(in.data() + w * in_len, out.data() + w * out_len, out_len);
    if (rc != 0) {
      fprintf(stderr, "ei_host: window %zu: SDK status %d\n", w, rc);
      return 1;
    }
  }
  f = fopen(argv[5], "wb");
  if (!f || fwrite(out.data(), sizeof(float), out.size(), f) != out.size()) {
    fprintf(stderr, "ei_host: cannot write %s\n", argv[5]);
    return 1;
  }
  fclose(f);
  return 0;
}
