#include "ingest/wav.h"

#include <sndfile.h>

#include <algorithm>
#include <memory>

#include "core/error.h"

namespace mote {

namespace {

// libsndfile reads through these callbacks straight from the bytes in memory.
struct Memory {
  std::string_view bytes;
  sf_count_t pos = 0;
};

Memory& mem(void* user) { return *static_cast<Memory*>(user); }

SF_VIRTUAL_IO memory_io() {
  SF_VIRTUAL_IO io{};
  io.get_filelen = [](void* u) -> sf_count_t { return static_cast<sf_count_t>(mem(u).bytes.size()); };
  io.seek = [](sf_count_t offset, int whence, void* u) -> sf_count_t {
    Memory& m = mem(u);
    sf_count_t base = whence == SEEK_CUR ? m.pos : whence == SEEK_END ? static_cast<sf_count_t>(m.bytes.size()) : 0;
    m.pos = std::clamp<sf_count_t>(base + offset, 0, static_cast<sf_count_t>(m.bytes.size()));
    return m.pos;
  };
  io.read = [](void* ptr, sf_count_t count, void* u) -> sf_count_t {
    Memory& m = mem(u);
    sf_count_t n = std::min<sf_count_t>(count, static_cast<sf_count_t>(m.bytes.size()) - m.pos);
    std::copy_n(m.bytes.data() + m.pos, n, static_cast<char*>(ptr));
    m.pos += n;
    return n;
  };
  io.tell = [](void* u) -> sf_count_t { return mem(u).pos; };
  return io;
}

Error unreadable(const std::string& where, std::string reason) {
  while (!reason.empty() && (reason.back() == '.' || reason.back() == ' ')) reason.pop_back();  // it sits inside our sentence
  return error_at(where, "not a readable WAV file (libsndfile: " + reason + "); re-export it as PCM WAV");
}

}  // namespace

Sample parse_wav(std::string_view bytes, const ParseContext& ctx) {
  Memory memory{bytes};
  SF_VIRTUAL_IO io = memory_io();
  SF_INFO info{};
  std::unique_ptr<SNDFILE, int (*)(SNDFILE*)> file(sf_open_virtual(&io, SFM_READ, &info, &memory), sf_close);
  if (!file) throw unreadable(ctx.where, sf_strerror(nullptr));
  if (info.channels < 1 || info.samplerate < 1) throw unreadable(ctx.where, "no channels or no sample rate");

  Sample s;
  s.kind = SampleKind::TimeSeries;
  s.sensors = {{"audio", "wav"}};
  s.interval_ms = 1000.0 / info.samplerate;
  s.provenance = {{"importer", "wav"}, {"sample_rate", info.samplerate}, {"channels", info.channels}};

  // Read in blocks until libsndfile stops, rather than trusting a header's frame count for the allocation.
  const sf_count_t block = 4096;
  const size_t channels = static_cast<size_t>(info.channels);
  std::vector<float> buffer(static_cast<size_t>(block) * channels);
  if (info.frames > 0) s.values.reserve(static_cast<size_t>(std::min<sf_count_t>(info.frames, sf_count_t(1) << 28)));
  for (sf_count_t got; (got = sf_readf_float(file.get(), buffer.data(), block)) > 0;) {
    for (sf_count_t f = 0; f < got; ++f) {
      const float* frame = buffer.data() + static_cast<size_t>(f) * channels;
      double sum = 0;
      for (size_t c = 0; c < channels; ++c) sum += frame[c];
      s.values.push_back(static_cast<float>(sum / static_cast<double>(channels)));
    }
  }
  if (sf_error(file.get()) != SF_ERR_NO_ERROR) throw unreadable(ctx.where, sf_strerror(file.get()));
  if (s.values.empty()) throw error_at(ctx.where, "the WAV file has no audio frames; record or export some audio");
  return s;
}

}  // namespace mote
