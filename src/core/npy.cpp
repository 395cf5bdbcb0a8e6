#include "core/npy.h"

#include <cstring>

#include "core/error.h"

namespace mote {
namespace {

// The value of 'key' in the header dict: from after "'key':" to the next top-level ',' or '}'.
std::string_view field(std::string_view header, std::string_view key, const std::string& name) {
  const std::string quoted = "'" + std::string(key) + "'";
  const size_t at = header.find(quoted);
  if (at == std::string_view::npos) throw Error(name + ": .npy header has no '" + std::string(key) + "'");
  size_t i = header.find(':', at + quoted.size());
  if (i == std::string_view::npos) throw Error(name + ": .npy header field '" + std::string(key) + "' has no value");
  ++i;
  while (i < header.size() && header[i] == ' ') ++i;
  size_t end = i;
  int depth = 0;
  while (end < header.size() && (depth > 0 || (header[end] != ',' && header[end] != '}'))) {
    if (header[end] == '(') ++depth;
    if (header[end] == ')') --depth;
    ++end;
  }
  return header.substr(i, end - i);
}

}  // namespace

NpyArray parse_npy(std::string_view b, const std::string& name) {
  if (b.size() < 10 || b.substr(0, 6) != std::string_view("\x93NUMPY", 6))
    throw Error(name + ": not a .npy file (no \\x93NUMPY magic); save it with numpy.save");
  const unsigned major = static_cast<unsigned char>(b[6]);
  if (major < 1 || major > 3) throw Error(name + ": .npy format version " + std::to_string(major) + "; mote reads 1 to 3");
  size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(b[8]) | static_cast<size_t>(static_cast<unsigned char>(b[9])) << 8;
    start = 10;
  } else {
    if (b.size() < 12) throw Error(name + ": .npy header is truncated");
    for (int k = 0; k < 4; ++k) header_len |= static_cast<size_t>(static_cast<unsigned char>(b[8 + k])) << (8 * k);
    start = 12;
  }
  if (header_len > b.size() - start) throw Error(name + ": .npy header is truncated");
  const std::string_view header = b.substr(start, header_len);
  const std::string_view data = b.substr(start + header_len);

  std::string_view descr = field(header, "descr", name);
  if (descr.size() < 2 || (descr.front() != '\'' && descr.front() != '"') || descr.back() != descr.front())
    throw Error(name + ": .npy descr is not a quoted dtype");
  descr = descr.substr(1, descr.size() - 2);
  size_t item = 0;
  char kind = 0;
  if (descr == "<f4") item = 4, kind = 'f';
  else if (descr == "<f8") item = 8, kind = 'f';
  else if (descr == "|i1" || descr == "<i1") item = 1, kind = 'i';
  else if (descr == "|u1" || descr == "<u1") item = 1, kind = 'u';
  else if (descr == "<i2") item = 2, kind = 'i';
  else if (descr == "<i4") item = 4, kind = 'i';
  else throw Error(name + ": .npy dtype '" + std::string(descr) + "'; mote reads little-endian float32/float64/int8/uint8/int16/int32");
  if (field(header, "fortran_order", name) != "False")
    throw Error(name + ": .npy fortran_order is True; save a C-ordered array (numpy.ascontiguousarray)");

  NpyArray a;
  std::string_view shape = field(header, "shape", name);
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') throw Error(name + ": .npy shape is not a tuple");
  shape = shape.substr(1, shape.size() - 2);
  size_t count = 1;
  for (size_t i = 0; i < shape.size();) {
    while (i < shape.size() && (shape[i] == ' ' || shape[i] == ',')) ++i;
    if (i == shape.size()) break;
    size_t v = 0, digits = 0;
    while (i < shape.size() && shape[i] >= '0' && shape[i] <= '9') {
      v = v * 10 + static_cast<size_t>(shape[i++] - '0');
      if (++digits > 10) throw Error(name + ": .npy shape has a dimension past 10 digits");
    }
    if (digits == 0) throw Error(name + ": .npy shape holds something other than integers");
    a.shape.push_back(v);
    count *= v;
    if (count > (size_t{1} << 30)) throw Error(name + ": .npy array has more than 2^30 values");
  }
  if (data.size() < count * item)
    throw Error(name + ": .npy data holds " + std::to_string(data.size()) + " bytes, its shape needs " + std::to_string(count * item));
  a.values.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const char* p = data.data() + i * item;
    if (kind == 'f' && item == 4) {
      float f;
      std::memcpy(&f, p, 4);
      a.values[i] = f;
    } else if (kind == 'f') {
      double d;
      std::memcpy(&d, p, 8);
      a.values[i] = d;
    } else if (kind == 'u') {
      a.values[i] = static_cast<unsigned char>(*p);
    } else if (item == 1) {
      a.values[i] = static_cast<signed char>(*p);
    } else if (item == 2) {
      int16_t v;
      std::memcpy(&v, p, 2);
      a.values[i] = v;
    } else {
      int32_t v;
      std::memcpy(&v, p, 4);
      a.values[i] = v;
    }
  }
  return a;
}

}  // namespace mote
