// emlearn's generated C (forest.c, compiled as C): int16 features, forest_predict() returns the class.
#include <stdint.h>

#include "bench_inputs.h"

extern "C" int32_t forest_predict(const int16_t* features, int32_t features_length);

static int16_t g_features[kBenchW];

void prepare(const int8_t* x) {
  for (int i = 0; i < kBenchW; ++i) g_features[i] = x[i];
}

int run() { return forest_predict(g_features, kBenchW); }
