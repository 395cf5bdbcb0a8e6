// Per-window time of one mote DSP block on windows written by bench/dsp/run.py, on one thread.
// Usage: mote_bench_dsp JOB.json   with JOB = {type, params, frequency_hz, frames, axes, windows,
// data (count x frames x axes float32 file), out (float32 file for the outputs), seconds (time budget)}.
// Prints {"ns_per_window", "repeats", "features", "shape", "mfcc_lanes"} as JSON (mfcc_lanes: frames per
// pass of the MFCC host path on this CPU, runtime/dsp/mfcc_batch.h). The block is built exactly as `mote features`
// builds it (src/impulse/blocks), and run() is what it calls per window.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/error.h"
#include "dsp/mfcc_batch.h"
#include "impulse/dsp_block.h"

using nlohmann::json;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: mote_bench_dsp JOB.json\n");
    return 2;
  }
  try {
    json job = json::parse(std::ifstream(argv[1]));
    const size_t frames = job["frames"], axes = job["axes"], count = job["windows"];
    mote::InputSpec in;
    in.frequency_hz = job["frequency_hz"];
    in.window_ms = static_cast<double>(frames) * 1000.0 / in.frequency_hz;
    if (in.window_frames() != frames) throw mote::Error("window of " + std::to_string(frames) + " frames does not round-trip");
    auto block = mote::make_dsp_block({"bench", job["type"], {}, job["params"]}, in, axes, "job");
    std::vector<float> data(count * frames * axes);
    std::ifstream f(job["data"].get<std::string>(), std::ios::binary);
    if (!f.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(float))))
      throw mote::Error("short data file");
    const size_t width = block->output_size();
    std::vector<float> out(count * width);
    auto pass = [&] {
      for (size_t w = 0; w < count; ++w) {
        mote::BlockInput bi;
        bi.window = data.data() + w * frames * axes;
        bi.frames = frames;
        bi.axes = axes;
        block->run(bi, out.data() + w * width);
      }
    };
    pass();  // warm-up, and the outputs run.py compares with numpy
    std::ofstream(job["out"].get<std::string>(), std::ios::binary)
        .write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size() * sizeof(float)));
    // Best of repeated passes within the time budget, in this thread's CPU time: on a shared machine
    // the wall clock also counts the time other jobs hold the core (run.py measures numpy the same way).
    auto cpu_seconds = [] {
      timespec ts;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
    };
    using clock = std::chrono::steady_clock;
    const double budget = job.value("seconds", 1.0);
    double best = 1e300;
    int repeats = 0;
    for (auto start = clock::now(); repeats < 3 || std::chrono::duration<double>(clock::now() - start).count() < budget; ++repeats) {
      const double t0 = cpu_seconds();
      pass();
      best = std::min(best, cpu_seconds() - t0);
      if (repeats > 10000) break;
    }
    std::cout << json{{"ns_per_window", best * 1e9 / static_cast<double>(count)}, {"repeats", repeats},
                      {"features", width}, {"shape", block->output_shape()},
                      {"mfcc_lanes", mote::dsp::mfcc_batch_lanes()}}
                     .dump()
              << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mote_bench_dsp: %s\n", e.what());
    return 1;
  }
  return 0;
}
