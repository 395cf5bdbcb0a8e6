// The TFLM side of mote's NN runtime comparison: one .tflite model (embedded in flash as tflm_model, see
// run.py) run by TensorFlow Lite Micro + CMSIS-NN on QEMU mps2-an386, with mote's own board support
// (targets/cortex-m4: startup, semihosting, SysTick instruction counter, painted stack).
//
// Inputs come at run time from the host file "tflm_inputs.bin" (semihosting, relative to QEMU's working
// directory): N inputs of input_bytes each, back to back. For each one the firmware copies it into the input
// tensor, times Invoke() alone with board::instructions() and prints the raw output bytes in hex.
//
// Build-time knobs (run.py sets them):
//   TFLM_OPS(X)       X-macro list of MicroMutableOpResolver Add* suffixes, e.g. X(Conv2D) X(Softmax)
//   TFLM_ARENA_BYTES  size of the tensor arena buffer (the part used is reported)
//   TFLM_EMPTY        the baseline: this same harness (input reading, timing, printing) around a stub that
//                     does nothing; no model, no TFLM. Firmware minus baseline is TFLM + model + glue.
#include <stdint.h>
#include <string.h>

#include "board.h"

#ifndef TFLM_EMPTY
#include <new>

#include "tensorflow/lite/micro/cortex_m_generic/debug_log_callback.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"
#endif

#ifndef TFLM_ARENA_BYTES
#define TFLM_ARENA_BYTES (1024 * 1024)
#endif

namespace {

const char kInputsPath[] = "tflm_inputs.bin";

// What the harness needs to know about the model under test.
struct Io {
  uint8_t* input;
  uint32_t input_bytes;
  const uint8_t* output;
  uint32_t output_bytes;
  int32_t output_type;  // TfLiteType (kTfLiteInt8 = 9)
  uint32_t model_bytes;
  uint32_t arena_used;
};

#ifdef TFLM_EMPTY

// The stub's "tensors": a 16-byte buffer under the arena's name, so both variants exclude it the same way.
extern "C" {
alignas(16) uint8_t tflm_tensor_arena[16];
}
// noipa + volatile: the compiler must not see that the stub does nothing.
volatile uint32_t g_empty_bytes = 16;
volatile int g_empty_status = 0;

__attribute__((noipa)) int model_setup(Io* io) {
  io->input = tflm_tensor_arena;
  io->input_bytes = g_empty_bytes;
  io->output = tflm_tensor_arena;
  io->output_bytes = g_empty_bytes;
  io->output_type = 9;
  io->model_bytes = 0;
  io->arena_used = 0;
  return g_empty_status;
}

__attribute__((noipa)) int model_invoke() { return g_empty_status; }

#else  // TFLM

#ifndef TFLM_OPS
#define TFLM_OPS(X) X(FullyConnected)
#endif
#define TFLM_COUNT_OP(name) +1
using Resolver = tflite::MicroMutableOpResolver<0 TFLM_OPS(TFLM_COUNT_OP)>;

extern "C" {
extern const uint8_t tflm_model[];
extern const uint32_t tflm_model_bytes;
alignas(16) uint8_t tflm_tensor_arena[TFLM_ARENA_BYTES];
}

// Static storage, constructed in place: no static destructor is registered (mote builds with
// -fno-use-cxa-atexit, which would otherwise pull in newlib's atexit).
alignas(Resolver) uint8_t g_resolver_storage[sizeof(Resolver)];
alignas(tflite::MicroInterpreter) uint8_t g_interpreter_storage[sizeof(tflite::MicroInterpreter)];
tflite::MicroInterpreter* g_interpreter = nullptr;

void debug_log(const char* s) { board::print(s); }

int model_setup(Io* io) {
  RegisterDebugLogCallback(debug_log);
  const tflite::Model* model = tflite::GetModel(tflm_model);
  if (model->version() != TFLITE_SCHEMA_VERSION) {
    board::print("error: model schema version mismatch\n");
    return 1;
  }
  Resolver* resolver = new (g_resolver_storage) Resolver();
#define TFLM_ADD_OP(name)                                 \
  if (resolver->Add##name() != kTfLiteOk) {               \
    board::print("error: resolver Add" #name " failed\n"); \
    return 1;                                             \
  }
  TFLM_OPS(TFLM_ADD_OP)
#undef TFLM_ADD_OP
  g_interpreter = new (g_interpreter_storage)
      tflite::MicroInterpreter(model, *resolver, tflm_tensor_arena, sizeof(tflm_tensor_arena));
  if (g_interpreter->AllocateTensors() != kTfLiteOk) {
    board::print("error: AllocateTensors failed (missing op or arena too small)\n");
    return 1;
  }
  if (g_interpreter->inputs_size() != 1 || g_interpreter->outputs_size() != 1) {
    board::print("error: the harness handles models with one input and one output\n");
    return 1;
  }
  TfLiteTensor* in = g_interpreter->input(0);
  const TfLiteTensor* out = g_interpreter->output(0);
  io->input = in->data.uint8;
  io->input_bytes = static_cast<uint32_t>(in->bytes);
  io->output = out->data.uint8;
  io->output_bytes = static_cast<uint32_t>(out->bytes);
  io->output_type = static_cast<int32_t>(out->type);
  io->model_bytes = tflm_model_bytes;
  io->arena_used = static_cast<uint32_t>(g_interpreter->arena_used_bytes());
  return 0;
}

int model_invoke() { return g_interpreter->Invoke() == kTfLiteOk ? 0 : 1; }

#endif  // TFLM_EMPTY

void print_kv(const char* key, int64_t v) {
  board::print(key);
  board::print_int(v);
  board::print("\n");
}

void print_hex(const uint8_t* p, uint32_t n) {
  static const char kDigits[] = "0123456789abcdef";
  char chunk[65];
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; ++i) {
    chunk[k++] = kDigits[p[i] >> 4];
    chunk[k++] = kDigits[p[i] & 15];
    if (k == 64 || i + 1 == n) {
      chunk[k] = '\0';
      board::print(chunk);
      k = 0;
    }
  }
}

}  // namespace

int main() {
  board::instructions();  // starts the counter
  Io io;
  memset(&io, 0, sizeof(io));
  if (model_setup(&io) != 0) return 1;
  print_kv("model_bytes=", io.model_bytes);
  print_kv("arena_used_bytes=", io.arena_used);
  print_kv("input_bytes=", io.input_bytes);
  print_kv("output_bytes=", io.output_bytes);
  print_kv("output_type=", io.output_type);

  const int32_t file_bytes = board::file_size(kInputsPath);
  if (file_bytes <= 0 || io.input_bytes == 0 || static_cast<uint32_t>(file_bytes) % io.input_bytes != 0) {
    board::print("error: tflm_inputs.bin is missing or not a whole number of inputs\n");
    return 2;
  }
  const uint32_t n = static_cast<uint32_t>(file_bytes) / io.input_bytes;
  print_kv("inputs=", n);
  for (uint32_t i = 0; i < n; ++i) {
    // Refilled before every Invoke(): TFLM may reuse the input buffer for intermediate tensors.
    if (board::read_file(kInputsPath, io.input, io.input_bytes, i * io.input_bytes) !=
        static_cast<int32_t>(io.input_bytes)) {
      board::print("error: reading tflm_inputs.bin failed\n");
      return 2;
    }
    const uint64_t t0 = board::instructions();
    const int status = model_invoke();
    const uint64_t t1 = board::instructions();
    if (status != 0) {
      board::print("error: Invoke failed\n");
      return 1;
    }
    board::print("result ");
    board::print_int(i);
    board::print(" instructions=");
    board::print_int(static_cast<int64_t>(t1 - t0));
    board::print(" output=");
    print_hex(io.output, io.output_bytes);
    board::print("\n");
  }
  print_kv("stack_peak_bytes=", board::stack_peak_bytes());
  board::print("OK\n");
  return 0;
}
