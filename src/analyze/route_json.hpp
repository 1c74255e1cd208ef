// A minimal JSON reader (RFC 8259) for `ip -j route` output: a small tree of values, depth
// and size bounded. The project's JSON writer is its own; nlohmann-json is for tests only,
// and the route loader needs no more than objects, arrays, strings and numbers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pktscope::json_reader {

struct member;

/// One JSON value; only the member for its kind is meaningful.
struct value {
    enum class kind { null, boolean, number, string, array, object };
    kind type = kind::null;
    bool boolean = false;
    double number = 0;
    std::string text;             ///< string
    std::vector<value> items;     ///< array
    std::vector<member> members;  ///< object, in document order

    /// Member `key` of an object, or null when absent (or not an object).
    const value* get(std::string_view key) const noexcept;
};

/// One "key": value pair of an object.
struct member {
    std::string key;
    value v;
};

/// Parses a whole document; throws std::runtime_error("offset N: reason") on malformed input
/// or nesting deeper than 64.
value parse(std::string_view text);

}  // namespace pktscope::json_reader
