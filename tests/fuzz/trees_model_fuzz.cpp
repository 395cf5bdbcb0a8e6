#include "fuzz_support.h"
#include "learn/trees/codegen.h"
#include "learn/trees/ensemble.h"

// A stored or imported tree ensemble (mote-trees-1 JSON) from untrusted bytes must be refused with
// mote::Error; once accepted, its device tables, the int8 kernel on the host and both generated forms must work.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  MOTE_FUZZ_EXPECTED_ERRORS({
    const auto e = mote::learn::trees::from_json(nlohmann::json::parse(fuzz_bytes(data, size)));
    const auto t = mote::learn::trees::make_tables(e);
    std::vector<float> x(e.width, 0.25f);
    auto q = mote::learn::trees::predict_int8(e, t, x.data());
    if (q.size() != e.outputs()) __builtin_trap();
    (void)mote::learn::trees::predict_float(e, x.data());
    (void)mote::learn::trees::generate_trees_cpp(e, "m", mote::learn::trees::TreeForm::Tables);
    (void)mote::learn::trees::generate_trees_cpp(e, "m", mote::learn::trees::TreeForm::IfElse);
  });
  return 0;
}
