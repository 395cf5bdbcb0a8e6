// The UCI HAPT raw layout (Smartphone-Based Recognition of Human Activities and Postural Transitions, v2.1):
// a folder with labels.txt and acc_expXX_userYY.txt[.gz] + gyro_expXX_userYY.txt[.gz]; each labelled
// segment becomes one 6-axis sample (accX/Y/Z in g, gyrX/Y/Z in rad/s, 50 Hz).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "store/sample.h"

namespace mote {

struct HaptSegment {
  int experiment = 0, user = 0, activity = 0;
  uint64_t start = 0, end = 0;  // 1-based, inclusive sample indices as labels.txt gives them
};

struct HaptRecording {
  int experiment = 0, user = 0;
  std::filesystem::path acc, gyro;
  std::vector<HaptSegment> segments;
};

// labels.txt: "experiment user activity start end" per line. Throws mote::Error naming `where` and the line.
std::vector<HaptSegment> parse_hapt_labels(std::string_view text, const std::string& where);
// activity_labels.txt: "1 WALKING" per line (trailing spaces trimmed).
std::map<int, std::string> parse_hapt_activities(std::string_view text, const std::string& where);
// One signal file: rows of three space-separated numbers; returns frames x 3 values.
std::vector<float> parse_hapt_signal(std::string_view text, const std::string& where);

// The folder holding labels.txt and the signal files: `dir` itself or dir/RawData; empty when neither is one.
std::filesystem::path find_hapt_folder(const std::filesystem::path& dir);
// The recordings of that folder with their segments, in experiment order.
std::vector<HaptRecording> read_hapt_folder(const std::filesystem::path& folder);
// activity_labels.txt next to the folder or one level up; empty when absent (labels are then "activity<N>").
std::map<int, std::string> read_hapt_activities(const std::filesystem::path& folder);
// Reads (and gunzips) one recording and cuts its segments into samples named "expXX_userYY.<k>".
std::vector<Sample> load_hapt_recording(const HaptRecording& r, const std::map<int, std::string>& activities, uint64_t max_bytes);

}  // namespace mote
