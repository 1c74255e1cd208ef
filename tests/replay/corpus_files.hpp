// The shared tcpdump corpus (../shared/corpus/tcpdump): its captures and tshark's reference
// tables (format in ../shared/corpus/README.md). Header-only so each replay test that walks
// the corpus includes it without a shared source list.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pktscope::corpus {

/// Directory of the tcpdump corpus (captures in pcaps/, tables in reference/).
inline std::filesystem::path tcpdump_dir() {
    return std::filesystem::path(PKTSCOPE_CORPUS_DIR) / "tcpdump";
}

/// Every capture (.pcap and .pcapng) of the corpus, sorted by name.
inline std::vector<std::filesystem::path> capture_files() {
    std::vector<std::filesystem::path> files;
    const auto dir = tcpdump_dir() / "pcaps";
    if (!std::filesystem::is_directory(dir)) return files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

/// The capture's name as the reference tables use it: the file name without its extension.
inline std::string capture_name(const std::filesystem::path& capture) {
    return capture.stem().string();
}

/// Splits one line on tabs; empty cells stay (an empty cell means "field absent").
inline std::vector<std::string> split_tabs(std::string_view line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        cells.emplace_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
        if (tab == std::string_view::npos) return cells;
        start = tab + 1;
    }
}

/// One tshark fields table: header row of tshark field names, then one row per frame.
struct reference_table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    /// Index of `field` in columns, or nullopt.
    std::optional<std::size_t> column(std::string_view field) const {
        const auto it = std::find(columns.begin(), columns.end(), field);
        if (it == columns.end()) return std::nullopt;
        return static_cast<std::size_t>(it - columns.begin());
    }
    /// Cell of `row` in `column`, "" when the row is short (tshark omits trailing tabs never,
    /// but be lenient).
    std::string_view cell(std::size_t row, std::size_t col) const {
        return col < rows[row].size() ? std::string_view(rows[row][col]) : std::string_view{};
    }
};

/// Loads reference/NAME.fields.tsv; nullopt when missing or empty (tshark failed on it).
inline std::optional<reference_table> load_reference(const std::string& name) {
    std::ifstream in(tcpdump_dir() / "reference" / (name + ".fields.tsv"));
    if (!in) return std::nullopt;
    reference_table table;
    std::string line;
    if (!std::getline(in, line) || line.empty()) return std::nullopt;
    table.columns = split_tabs(line);
    while (std::getline(in, line)) table.rows.push_back(split_tabs(line));
    return table;
}

}  // namespace pktscope::corpus
