#include "ingest/mat.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <utility>

#include "core/error.h"
#include "ingest/inflate.h"

namespace mote {

namespace {

// MAT v5 data types (miXXX) and array classes (mxXXX_CLASS), from MathWorks' "MAT-File Format" (2023).
enum : uint32_t { kInt8 = 1, kUint8, kInt16, kUint16, kInt32, kUint32, kSingle, kDouble = 9, kInt64 = 12, kUint64, kMatrix, kCompressed };
constexpr uint32_t kComplexFlag = 0x0800;
constexpr uint64_t kMaxInflated = uint64_t(1) << 31;
constexpr uint32_t kMaxAxesPerVariable = 16;

struct Variable {
  std::string name;
  uint64_t frames = 0;
  uint32_t axes = 0;
  std::vector<double> data;  // column-major as stored: axis a, frame f at data[a * frames + f] (or transposed)
  bool row_major = false;    // 1 x N (or r x N with r < N): frames run along the columns
};

struct Element {
  uint32_t type = 0;
  std::string_view data;
};

uint32_t u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

class Reader {
 public:
  Reader(std::string_view bytes, std::string where) : b_(bytes), where_(std::move(where)) {}
  bool done() const { return pos_ >= b_.size(); }
  // One tagged element; the small format packs type, size and up to 4 bytes of data into 8 bytes.
  Element next() {
    if (b_.size() - pos_ < 8) throw bad("truncated data element tag at byte " + std::to_string(pos_));
    uint32_t first = u32(b_.data() + pos_);
    Element e;
    if (first >> 16) {
      e.type = first & 0xffff;
      uint32_t n = first >> 16;
      if (n > 4) throw bad("small data element larger than 4 bytes at byte " + std::to_string(pos_));
      e.data = b_.substr(pos_ + 4, n);
      pos_ += 8;
      return e;
    }
    e.type = first;
    uint64_t n = u32(b_.data() + pos_ + 4);
    if (n > b_.size() - pos_ - 8) throw bad("data element at byte " + std::to_string(pos_) + " runs past the end of the file");
    e.data = b_.substr(pos_ + 8, n);
    // Compressed elements are not padded; everything else is padded to 8 bytes.
    uint64_t advance = 8 + (e.type == kCompressed ? n : (n + 7) / 8 * 8);
    pos_ = static_cast<size_t>(std::min<uint64_t>(b_.size(), pos_ + advance));
    return e;
  }
  const std::string& where() const { return where_; }
  Error bad(const std::string& what) const { return error_at(where_, "not a readable MAT-file: " + what + "; save it with MATLAB's save -v7 or scipy.io.savemat"); }

 private:
  std::string_view b_;
  std::string where_;
  size_t pos_ = 0;
};

size_t type_size(uint32_t t) {
  switch (t) {
    case kInt8: case kUint8: return 1;
    case kInt16: case kUint16: return 2;
    case kInt32: case kUint32: case kSingle: return 4;
    case kDouble: case kInt64: case kUint64: return 8;
    default: return 0;
  }
}

template <typename T>
void append(std::vector<double>& out, const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, p + i * sizeof(T), sizeof(T));
    out.push_back(static_cast<double>(v));
  }
}

std::vector<double> numbers(const Element& e) {
  size_t size = type_size(e.type), n = size ? e.data.size() / size : 0;
  std::vector<double> out;
  out.reserve(n);
  const char* p = e.data.data();
  switch (e.type) {
    case kInt8: append<int8_t>(out, p, n); break;
    case kUint8: append<uint8_t>(out, p, n); break;
    case kInt16: append<int16_t>(out, p, n); break;
    case kUint16: append<uint16_t>(out, p, n); break;
    case kInt32: append<int32_t>(out, p, n); break;
    case kUint32: append<uint32_t>(out, p, n); break;
    case kSingle: append<float>(out, p, n); break;
    case kDouble: append<double>(out, p, n); break;
    case kInt64: append<int64_t>(out, p, n); break;
    case kUint64: append<uint64_t>(out, p, n); break;
  }
  return out;
}

// A miMATRIX element: flags, dimensions, name, real part. Returns false for what is not a real numeric 2-D array.
bool read_matrix(std::string_view body, Reader& outer, Variable& v) {
  Reader r(body, outer.where());
  Element flags = r.next(), dims = r.next(), name = r.next();
  if (flags.type != kUint32 || flags.data.size() < 8 || dims.type != kInt32) throw outer.bad("array header is malformed");
  uint32_t f = u32(flags.data.data()), cls = f & 0xff;
  v.name.assign(name.data.begin(), name.data.end());
  if (cls < 6 || cls > 15 || (f & kComplexFlag) || dims.data.size() != 8) return false;  // cells, structs, chars, sparse, N-D
  int32_t d[2];
  std::memcpy(d, dims.data.data(), 8);
  if (d[0] < 0 || d[1] < 0) throw outer.bad("negative dimension in variable '" + v.name + "'");
  uint64_t rows = static_cast<uint64_t>(d[0]), cols = static_cast<uint64_t>(d[1]);
  if (r.done()) throw outer.bad("variable '" + v.name + "' has no data");
  Element real = r.next();
  if (!type_size(real.type)) throw outer.bad("variable '" + v.name + "' has an unknown data type " + std::to_string(real.type));
  v.data = numbers(real);
  if (v.data.size() != rows * cols)
    throw outer.bad("variable '" + v.name + "' holds " + std::to_string(v.data.size()) + " values for " + std::to_string(rows) +
                    " x " + std::to_string(cols));
  v.row_major = cols > rows;  // 1 x N: frames along the columns
  v.frames = std::max(rows, cols);
  v.axes = static_cast<uint32_t>(std::min<uint64_t>(std::min(rows, cols), UINT32_MAX));
  return true;
}

void read_elements(std::string_view bytes, Reader& outer, const std::string& where, std::vector<Variable>& out, int depth) {
  Reader r(bytes, where);
  while (!r.done()) {
    Element e = r.next();
    if (e.type == kCompressed) {
      if (depth > 0) throw outer.bad("nested compressed element");
      std::string inner = inflate_bytes(e.data, false, where, kMaxInflated);
      read_elements(inner, outer, where, out, depth + 1);
    } else if (e.type == kMatrix) {
      Variable v;
      if (read_matrix(e.data, outer, v)) out.push_back(std::move(v));
    }
  }
}

}  // namespace

Sample parse_mat(std::string_view bytes, const ParseContext& ctx) {
  Reader top(bytes, ctx.where);
  if (bytes.size() < 128 || bytes.substr(0, 6) != "MATLAB")
    throw top.bad("no 'MATLAB 5.0 MAT-file' header (MAT v4 and v7.3/HDF5 files are not supported)");
  if (bytes.substr(126, 2) == "MI") throw top.bad("big-endian MAT-files are not supported");
  if (bytes.substr(126, 2) != "IM") throw top.bad("no endian indicator at byte 126");
  std::vector<Variable> vars;
  read_elements(bytes.substr(128), top, ctx.where, vars, 0);

  Sample s;
  s.kind = SampleKind::TimeSeries;
  s.provenance["importer"] = "mat";
  uint64_t frames = 0;
  for (auto& v : vars)
    if (v.frames >= 2 && v.axes >= 1 && v.axes <= kMaxAxesPerVariable) frames = std::max(frames, v.frames);
  if (!frames) throw error_at(ctx.where, "holds no numeric vector (N x 1 .. N x 16) to import; save the signals as numeric arrays");
  if (!(ctx.interval_ms > 0)) throw error_at(ctx.where, "a MAT-file holds no sampling rate; pass --frequency-hz (e.g. 48000)");
  std::vector<const Variable*> used;
  for (auto& v : vars) {
    if (v.frames == frames && v.axes >= 1 && v.axes <= kMaxAxesPerVariable) used.push_back(&v);
    else if (v.data.size() == 1) s.provenance["scalars"][v.name] = v.data[0];
    else s.provenance["ignored_variables"].push_back(v.name);
  }
  // "X097_DE_time", "X097_FE_time": a prefix every used variable shares up to its first '_' is the record id.
  std::string prefix;
  size_t cut = used.front()->name.find('_');
  if (used.size() > 1 && cut != std::string::npos) {
    prefix = used.front()->name.substr(0, cut + 1);
    for (auto* v : used)
      if (v->name.compare(0, prefix.size(), prefix) != 0 || v->name.size() == prefix.size()) prefix.clear();
  }
  if (!prefix.empty()) s.provenance["variable_prefix"] = prefix;
  for (auto* v : used) {
    std::string base = v->name.substr(prefix.size());
    for (uint32_t a = 0; a < v->axes; ++a) s.sensors.push_back({v->axes == 1 ? base : base + "_" + std::to_string(a + 1), ""});
  }
  size_t width = s.sensors.size();
  s.values.resize(frames * width);
  size_t col = 0;
  for (auto* v : used) {
    for (uint32_t a = 0; a < v->axes; ++a, ++col)
      for (uint64_t f = 0; f < frames; ++f) {
        // Stored column-major: rows x cols, element (r, c) at r + c * rows.
        double x = v->row_major ? v->data[a + f * v->axes] : v->data[f + a * frames];
        s.values[f * width + col] = static_cast<float>(x);
      }
  }
  s.interval_ms = ctx.interval_ms;
  s.device_type = "MAT";
  return s;
}

}  // namespace mote
