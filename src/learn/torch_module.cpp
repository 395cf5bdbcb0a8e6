// train_network and export_parity without linking libtorch: the first call opens libmote_torch.so
// (network.cpp) and forwards to it. Loading libtorch costs about a second and 150 MB, which every `mote`
// command and test process would otherwise pay at start-up.
#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "core/error.h"
#include "learn/train.h"

namespace mote::learn {

namespace {

using TrainFn = int (*)(const Dataset*, const NetworkConfig*, const std::function<void(const EpochStats&)>*, TrainResult*,
                        std::string*);
using ParityFn = int (*)(const NetworkConfig*, int, uint64_t, double*, std::string*);

struct Module {
  TrainFn train = nullptr;
  ParityFn parity = nullptr;
};

// $MOTE_TORCH_MODULE, else beside the running executable (build/ or an install's bin/ and lib/), else
// where this build put it.
const Module& module() {
  static Module m;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> tried;
    if (const char* env = std::getenv("MOTE_TORCH_MODULE")) tried.push_back(env);
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      tried.push_back((exe.parent_path() / "libmote_torch.so").string());
      tried.push_back((exe.parent_path().parent_path() / "libmote_torch.so").string());
      tried.push_back((exe.parent_path().parent_path() / "lib/mote/libmote_torch.so").string());
    }
    tried.push_back(MOTE_TORCH_MODULE_PATH);
    std::string errors;
    for (auto& path : tried) {
      if (!std::filesystem::exists(path)) continue;
      void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!h) {
        errors += std::string(" ") + dlerror();
        continue;
      }
      m.train = reinterpret_cast<TrainFn>(dlsym(h, "mote_torch_train"));
      m.parity = reinterpret_cast<ParityFn>(dlsym(h, "mote_torch_parity"));
      if (m.train && m.parity) return;
      errors += " " + path + " lacks the mote_torch entry points;";
    }
    failure = "train: cannot load the training module libmote_torch.so (looked beside the mote binary and at " +
              std::string(MOTE_TORCH_MODULE_PATH) + ")" + errors + "; rebuild mote or set MOTE_TORCH_MODULE";
  });
  if (!m.train) throw Error(failure);
  return m;
}

}  // namespace

TrainResult train_network(const Dataset& d, const NetworkConfig& cfg, const std::function<void(const EpochStats&)>& on_epoch) {
  TrainResult r;
  std::string error;
  if (module().train(&d, &cfg, &on_epoch, &r, &error) != 0) throw Error(error);
  return r;
}

double export_parity(const NetworkConfig& cfg, int examples, uint64_t seed) {
  double err = 0;
  std::string error;
  if (module().parity(&cfg, examples, seed, &err, &error) != 0) throw Error(error);
  return err;
}

}  // namespace mote::learn
