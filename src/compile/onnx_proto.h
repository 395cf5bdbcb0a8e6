// A minimal protocol-buffers encoder for the ONNX messages mote writes (field numbers from onnx.proto).
// Messages are built bottom-up: a nested message is encoded into its own string, then added as bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace mote::compile::pb {

class Message {
 public:
  Message& varint(int field, uint64_t v) {
    key(field, 0);
    put_varint(v);
    return *this;
  }
  Message& int64(int field, int64_t v) { return varint(field, static_cast<uint64_t>(v)); }
  Message& float32(int field, float v) {
    key(field, 5);
    char b[4];
    std::memcpy(b, &v, 4);  // protobuf is little-endian, as are mote's hosts
    bytes_.append(b, 4);
    return *this;
  }
  Message& bytes(int field, const std::string& v) {
    key(field, 2);
    put_varint(v.size());
    bytes_ += v;
    return *this;
  }
  Message& message(int field, const Message& m) { return bytes(field, m.str()); }
  Message& packed_int64(int field, const std::vector<int64_t>& v) {
    Message inner;
    for (int64_t x : v) inner.put_varint(static_cast<uint64_t>(x));
    return bytes(field, inner.str());
  }
  const std::string& str() const { return bytes_; }

 private:
  void key(int field, int wire) { put_varint(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire)); }
  void put_varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    bytes_.push_back(static_cast<char>(v));
  }
  std::string bytes_;
};

}  // namespace mote::compile::pb
