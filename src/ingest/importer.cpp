#include "ingest/importer.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <regex>
#include <thread>

#include "core/error.h"
#include "core/progress.h"
#include "ingest/hapt.h"
#include "ingest/info_labels.h"
#include "ingest/segment.h"
#include "ingest/split.h"
#include "store/sql.h"

namespace fs = std::filesystem;

namespace mote {

namespace {

struct Item {
  fs::path path;
  std::optional<std::string> name, label;
  std::optional<Category> category;
  std::function<std::vector<Sample>(uint64_t max_bytes)> load;  // a dataset layout (HAPT): many named, labelled samples
};

struct Parsed {
  std::vector<Sample> samples;  // one per file, or many (dataset layouts, --segment-ms)
  std::string error;
  uint64_t bytes = 0;
};

void add_manifest(const fs::path& manifest, std::vector<Item>& items) {
  for (auto& e : read_info_labels(manifest)) items.push_back({e.path, e.name, e.label, e.category, {}});
}

std::vector<Item> discover(const std::vector<fs::path>& paths, const ImportOptions& opts, std::vector<std::string>& ignored) {
  std::vector<Item> items;
  if (opts.info_file) add_manifest(*opts.info_file, items);
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      if (fs::exists(p / "info.labels")) {
        add_manifest(p / "info.labels", items);
        continue;
      }
      if (fs::path hapt = find_hapt_folder(p); !hapt.empty()) {
        auto activities = std::make_shared<std::map<int, std::string>>(read_hapt_activities(hapt));
        for (auto& r : read_hapt_folder(hapt))
          items.push_back({r.acc, {}, {}, {}, [r, activities](uint64_t max) { return load_hapt_recording(r, *activities, max); }});
        continue;
      }
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw error_at(p.string(), "cannot walk the folder: " + ec.message());
        std::string fname = it->path().filename().string();
        if (!fname.empty() && fname[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (!it->is_regular_file()) continue;
        if (format_for(it->path())) found.push_back(it->path());
        else ignored.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      for (auto& f : found) items.push_back({f, {}, {}, {}, {}});
    } else if (p.filename() == "info.labels") {
      add_manifest(p, items);
    } else {
      items.push_back({p, {}, {}, {}, {}});
    }
  }
  return items;
}

std::string label_for(const Item& item, const ImportOptions& opts, const std::optional<std::regex>& pattern) {
  if (item.label) return *item.label;
  if (opts.label) return *opts.label;
  std::string fname = item.path.filename().string();
  if (pattern) {
    std::smatch m;
    if (!std::regex_search(fname, m, *pattern) || m.size() < 2 || !m[1].matched)
      throw error_at(item.path.string(), "file name does not match --label-pattern '" + *opts.label_pattern +
                                             "' (its first group is the label); fix the pattern or pass --label");
    return m[1].str();
  }
  // "label.anything.ext": the prefix before the first dot, when there are at least two dots.
  size_t first = fname.find('.');
  if (first != std::string::npos && first > 0 && fname.find('.', first + 1) != std::string::npos) return fname.substr(0, first);
  return fs::absolute(item.path).parent_path().filename().string();
}

Parsed parse_item(const Item& item, const ImportOptions& opts, const std::optional<std::regex>& pattern) {
  Parsed out;
  try {
    std::vector<Sample> samples;
    if (item.load) {
      samples = item.load(opts.max_file_bytes);
      for (auto& s : samples) {
        validate_sample(s, item.path.string() + " (" + s.name + ")");
        if (opts.label) s.label = *opts.label;
      }
      out.bytes = fs::file_size(item.path);
    } else {
      ParseContext ctx{item.path.string(), opts.hmac_key, opts.interval_ms};
      std::string bytes = read_file(item.path, opts.max_file_bytes);
      out.bytes = bytes.size();
      Sample s = parse_file(bytes, item.path, ctx);
      s.label = label_for(item, opts, pattern);
      s.name = item.name ? *item.name : item.path.stem().string();
      samples.push_back(std::move(s));
    }
    for (auto& s : samples) s.provenance["source"] = fs::absolute(item.path).lexically_normal().string();
    if (opts.segment_ms > 0) {
      std::vector<Sample> pieces;
      for (auto& s : samples)
        for (auto& piece : segment_time_series(s, opts.segment_ms, item.path.string())) pieces.push_back(std::move(piece));
      samples = std::move(pieces);
    }
    for (auto& s : samples) s.hash = content_hash(s);  // on the worker thread; the store keeps it
    out.samples = std::move(samples);
  } catch (const Error& e) {
    out.error = e.what();
  } catch (const std::exception& e) {
    // Runs on a worker thread: anything escaping would terminate the process.
    out.error = item.path.string() + ": cannot import (" + e.what() + ")";
  }
  return out;
}

// Parses items[begin, end) on all cores, keeping results in file order.
std::vector<Parsed> parse_chunk(const std::vector<Item>& items, size_t begin, size_t end, const ImportOptions& opts,
                                const std::optional<std::regex>& pattern) {
  std::vector<Parsed> results(end - begin);
  std::atomic<size_t> next{begin};
  auto work = [&] {
    for (size_t i; (i = next++) < end;) results[i - begin] = parse_item(items[i], opts, pattern);
  };
  unsigned n = std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace

Sample parse_file(std::string_view bytes, const fs::path& name, const ParseContext& ctx) {
  const Format* fmt = format_for(name);
  if (!fmt)
    throw error_at(ctx.where, "unknown file type '" + name.extension().string() + "'; mote imports " + supported_extensions());
  Sample s = fmt->parse(bytes, ctx);
  validate_sample(s, ctx.where);
  return s;
}

ImportReport import_paths(Store& store, const std::vector<fs::path>& paths, const ImportOptions& opts) {
  bool split = opts.category == "split";
  Category fixed = split ? Category::Training : parse_category(opts.category, "--category");
  std::optional<std::regex> pattern;
  if (opts.label_pattern) {
    try {
      pattern.emplace(*opts.label_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw error_at("--label-pattern", std::string("not a valid regular expression (") + e.what() + ")");
    }
  }
  std::optional<std::regex> test_re;  // a dataset's own split (e.g. FSDD: take index 0-4 = test)
  if (opts.test_pattern) {
    try {
      test_re.emplace(*opts.test_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      throw error_at("--test-pattern", std::string("not a valid regular expression (") + e.what() + ")");
    }
  }
  ImportReport report;
  std::vector<Item> items = discover(paths, opts, report.ignored);
  if (items.empty()) throw Error("import: no files to import in " + (paths.empty() ? std::string("the arguments") : paths.front().string()) +
                                 "; mote imports " + supported_extensions());

  Progress progress("import", items.size(), opts.quiet);
  sql::Transaction tx(store.db());
  std::vector<SplitItem> to_split;
  std::vector<int64_t> split_ids;
  const size_t chunk = 512;  // bounds memory: parse a chunk in parallel, store it, go on
  for (size_t begin = 0; begin < items.size(); begin += chunk) {
    size_t end = std::min(items.size(), begin + chunk);
    auto parsed = parse_chunk(items, begin, end, opts, pattern);
    for (size_t k = 0; k < parsed.size(); ++k) {
      const Item& item = items[begin + k];
      Parsed& p = parsed[k];
      if (p.error.empty() && !opts.allow_duplicates) {
        for (auto& s : p.samples)
          if (auto dup = store.find_by_hash(s.hash)) {
            Sample other = store.get(*dup, false);
            p.error = item.path.string() + (p.samples.size() > 1 ? " (" + s.name + ")" : "") + ": same data as sample " +
                      std::to_string(*dup) + " (" + other.name + "); pass --allow-duplicates to import it again";
            break;
          }
      }
      if (!p.error.empty()) {
        if (!opts.skip_bad) throw Error(p.error + " (nothing was imported; --skip-bad imports the other files)");
        report.bad.push_back({item.path.string(), p.error});
        progress.advance();
        continue;
      }
      bool file_to_test = test_re && !item.category && std::regex_search(item.path.filename().string(), *test_re);
      for (Sample& s : p.samples) {
        // Pieces of a file (--segment-ms, dataset layouts) may also be picked by their own name ("rec.7").
        bool to_test = file_to_test || (test_re && !item.category && p.samples.size() > 1 && std::regex_search(s.name, *test_re));
        s.category = to_test ? Category::Testing : item.category.value_or(fixed);
        store.insert(s);
        report.ids.push_back(s.id);
        if (split && !item.category && !to_test) {
          to_split.push_back({s.label, s.hash});
          split_ids.push_back(s.id);
        }
      }
      report.files++;
      report.bytes += p.bytes;
      progress.advance();
    }
  }
  auto cats = stratified_split(to_split);
  for (size_t i = 0; i < cats.size(); ++i)
    if (cats[i] == Category::Testing) store.set_category(split_ids[i], Category::Testing);
  tx.commit();
  progress.finish();
  return report;
}

}  // namespace mote
