// An independent TFLite runtime for the .tflite writer's test: loads a .tflite with ArmNN's TfLite parser,
// runs it on ArmNN's CpuRef backend, and writes the raw output tensor of every input.
// Usage: armnn_tflite_run MODEL.tflite INPUTS.bin OUTPUTS.bin [BACKEND_DIR]
// INPUTS.bin: the raw input tensors one after another; OUTPUTS.bin gets the raw outputs likewise.
#include <armnn/ArmNN.hpp>
#include <armnnTfLiteParser/ITfLiteParser.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: armnn_tflite_run MODEL.tflite INPUTS.bin OUTPUTS.bin [BACKEND_DIR]\n");
    return 2;
  }
  try {
    auto parser = armnnTfLiteParser::ITfLiteParser::Create();
    armnn::INetworkPtr net = parser->CreateNetworkFromBinaryFile(argv[1]);
    const auto in_names = parser->GetSubgraphInputTensorNames(0);
    const auto out_names = parser->GetSubgraphOutputTensorNames(0);
    if (in_names.size() != 1 || out_names.size() != 1) {
      std::fprintf(stderr, "armnn_tflite_run: expected one input and one output\n");
      return 1;
    }
    const auto in = parser->GetNetworkInputBindingInfo(0, in_names[0]);
    const auto out = parser->GetNetworkOutputBindingInfo(0, out_names[0]);

    armnn::IRuntime::CreationOptions options;
    if (argc > 4) options.m_DynamicBackendsPath = argv[4];
    armnn::IRuntimePtr runtime = armnn::IRuntime::Create(options);
    armnn::IOptimizedNetworkPtr opt = armnn::Optimize(*net, {armnn::Compute::CpuRef}, runtime->GetDeviceSpec());
    armnn::NetworkId id = 0;
    std::string message;
    if (runtime->LoadNetwork(id, std::move(opt), message, armnn::INetworkProperties()) != armnn::Status::Success) {
      std::fprintf(stderr, "armnn_tflite_run: LoadNetwork failed: %s\n", message.c_str());
      return 1;
    }

    std::ifstream fin(argv[2], std::ios::binary);
    std::vector<char> inputs((std::istreambuf_iterator<char>(fin)), std::istreambuf_iterator<char>());
    const size_t in_bytes = in.second.GetNumBytes(), out_bytes = out.second.GetNumBytes();
    if (in_bytes == 0 || inputs.size() % in_bytes != 0) {
      std::fprintf(stderr, "armnn_tflite_run: %zu input bytes is no multiple of the input tensor's %zu\n", inputs.size(), in_bytes);
      return 1;
    }
    std::fprintf(stderr, "armnn_tflite_run: input %s type %s, output %s type %s, %zu inputs\n", in_names[0].c_str(),
                 armnn::GetDataTypeName(in.second.GetDataType()), out_names[0].c_str(),
                 armnn::GetDataTypeName(out.second.GetDataType()), inputs.size() / in_bytes);
    std::vector<char> outputs(inputs.size() / in_bytes * out_bytes);
    for (size_t k = 0; k < inputs.size() / in_bytes; ++k) {
      armnn::InputTensors it{{in.first, armnn::ConstTensor(in.second, inputs.data() + k * in_bytes)}};
      armnn::OutputTensors ot{{out.first, armnn::Tensor(out.second, outputs.data() + k * out_bytes)}};
      if (runtime->EnqueueWorkload(id, it, ot) != armnn::Status::Success) {
        std::fprintf(stderr, "armnn_tflite_run: EnqueueWorkload failed on input %zu\n", k);
        return 1;
      }
    }
    std::ofstream fout(argv[3], std::ios::binary);
    fout.write(outputs.data(), static_cast<std::streamsize>(outputs.size()));
    return fout ? 0 : 1;
  } catch (const armnn::Exception& e) {
    std::fprintf(stderr, "armnn_tflite_run: %s\n", e.what());
    return 1;
  }
}
