// One firmware per variant (mote tables / if-else, emlearn loadable / inline, empty): the same seeded int8
// inputs (bench_inputs.h), each classified kRepeat times between two counter reads; prints
// "p <index> <class> <instructions>" per input. The variant's glue (glue_*.cpp) defines prepare() and run().
#include <stdint.h>

#include "bench_inputs.h"
#include "board.h"

void prepare(const int8_t* x);  // copies/converts one input into the model's buffer (not timed)
int run();                      // one inference: the predicted class

static const int kRepeat = 16;

int main() {
  for (int n = 0; n < kBenchN; ++n) {
    prepare(kBenchInputs + n * kBenchW);
    const uint64_t t0 = board::instructions();
    int c = 0;
    for (int r = 0; r < kRepeat; ++r) c = run();
    const uint64_t t1 = board::instructions();
    board::print("p ");
    board::print_int(n);
    board::print(" ");
    board::print_int(c);
    board::print(" ");
    board::print_int(static_cast<int64_t>((t1 - t0) / kRepeat));
    board::print("\n");
  }
  board::exit(0);
}
