// The explained disagreements between our decoder and tshark on the corpus
// (tests/replay/corpus_disagreements.tsv). Each class names its fields and the exact captures
// it covers, and a rule (a predicate the agreement test implements) that must also hold, so a
// new disagreement in the same capture and field is not silently absorbed.
#pragma once

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "corpus_files.hpp"

namespace pktscope::corpus {

/// One row of corpus_disagreements.tsv.
struct disagreement_class {
    std::string id;  ///< short stable name, e.g. "gre_inner_tcp"
    /// "scope": tshark's value is about something we do not decode or were not given (a
    /// tunnel's inner header, bytes libpcap did not deliver), so the frame is no comparison;
    /// "differ": both decode the field and answer differently, by design.
    std::string kind;
    std::set<std::string> fields;         ///< exact tshark field names
    std::set<std::string> captures;       ///< exact capture names (no wildcards)
    std::string rule;                     ///< name of the predicate that must hold
    std::string example;                  ///< "capture#frame"
    std::string reason;                   ///< one line: why the two sides differ
    std::size_t matched = 0;              ///< disagreements this class explained in the run
    std::set<std::string> used_fields;    ///< fields it explained in the run
    std::set<std::string> used_captures;  ///< captures it explained in the run
    std::string first_match;              ///< "capture#frame" of its first explanation
};

/// Splits a comma-separated cell into a set of names.
inline std::set<std::string> split_commas(const std::string& cell) {
    std::set<std::string> names;
    std::stringstream in(cell);
    std::string name;
    while (std::getline(in, name, ','))
        if (!name.empty()) names.insert(name);
    return names;
}

/// Loads the classes file: tab-separated columns class, kind, fields (comma-separated),
/// captures (comma-separated), rule, example, reason; '#' lines and blank lines are comments.
/// Throws std::runtime_error naming the line when a row is malformed.
inline std::vector<disagreement_class> load_disagreement_classes(
    const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) throw std::runtime_error("cannot open " + file.string());
    std::vector<disagreement_class> classes;
    std::string line;
    std::size_t number = 0;
    bool header_seen = false;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        const auto cells = split_tabs(line);
        if (!header_seen) {  // the column header row
            header_seen = true;
            continue;
        }
        if (cells.size() != 7)
            throw std::runtime_error(file.filename().string() + ":" + std::to_string(number) +
                                     ": expected 7 tab-separated columns");
        disagreement_class c;
        c.id = cells[0];
        c.kind = cells[1];
        c.fields = split_commas(cells[2]);
        c.captures = split_commas(cells[3]);
        c.rule = cells[4];
        c.example = cells[5];
        c.reason = cells[6];
        if (c.id.empty() || c.fields.empty() || c.captures.empty() || c.rule.empty() ||
            c.reason.empty())
            throw std::runtime_error(file.filename().string() + ":" + std::to_string(number) +
                                     ": class, fields, captures, rule and reason are required");
        if (c.kind != "scope" && c.kind != "differ")
            throw std::runtime_error(file.filename().string() + ":" + std::to_string(number) +
                                     ": kind must be scope or differ");
        classes.push_back(std::move(c));
    }
    return classes;
}

}  // namespace pktscope::corpus
