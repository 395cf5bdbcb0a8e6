// Named versions of a project: its impulse and the trained models of every learning block, with the metrics
// they had when saved (testing set, training, device profile), kept in the store (tables versions and
// version_models). `mote version save|list|compare|restore|delete` and /api/versions call these.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "store/project.h"

namespace mote::learn {

// Throws mote::Error unless `name` is 1-64 of [A-Za-z0-9_.-] starting with a letter or digit.
void check_version_name(const std::string& name);

// Saves the impulse in mote.json and its current models as version `name`, with the dataset's labels and
// split (sample id -> label, category) and their metrics: the testing
// set evaluated now (test_impulse), each model's training summary and the device profiles in out/ made of
// exactly this impulse. Refuses a taken name, and an impulse whose models are missing or stale (train
// first). One transaction: either the version and all its models are stored, or nothing is.
// Returns the version as version_json shows it.
nlohmann::json save_version(Project& p, const std::string& name);

// Every version, newest first: {name, created_at, impulse_hash, blocks[], metrics} (no model weights).
nlohmann::json list_versions(Project& p);

// One version with its impulse (no model weights); throws mote::Error naming the known versions.
nlohmann::json show_version(Project& p, const std::string& name);

// Two versions side by side: {a, b, rows[{metric, a, b}], impulse_changes[{path, a, b}]}; rows are the
// metrics either one holds (testing accuracy, F1, ROC AUC, validation accuracy, RAM, flash, instructions).
nlohmann::json compare_versions(Project& p, const std::string& a, const std::string& b);

// Makes version `name` current: its impulse into mote.json, its models as the newest rows of `models`
// (the models it replaces stay in the store's history), and the labels and split its samples had when it was
// saved (samples added since keep theirs). The store's rows commit only after mote.json is written; a failure
// leaves all as it was. Returns {name, impulse, labels: {restored, unchanged, added_since, deleted_since}}
// (labels null for a version saved before versions kept labels).
nlohmann::json restore_version(Project& p, const std::string& name);

// Deletes a version (its models' copies too); throws mote::Error naming the known versions.
void delete_version(Project& p, const std::string& name);

}  // namespace mote::learn
