// Route and rule files: `ip route show` text (IPv4 and `ip -6`, `table all`, multipath),
// `ip -j route` JSON, plain "PREFIX/LEN NEXTHOP" lines (../shared/corpus/routes/), and
// `ip rule show` text. Parsing is strict about addresses and lengths and lenient about
// attributes it does not need (mtu, expires, pref... are skipped).
#pragma once

#include <functional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "pktscope/route_table.hpp"

namespace pktscope {

/// Format of a route file; automatic looks at the first non-blank character ('[' = JSON) and
/// at each line's shape (two fields "PREFIX/LEN NEXTHOP" = plain, otherwise ip text).
enum class route_file_format { automatic, ip_text, ip_json, plain };

/// A malformed route or rule file: what() is "ORIGIN:LINE: reason" (JSON: "ORIGIN: offset N").
class route_file_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Parses `text` (named `origin` in errors) and calls `add` for each route; returns the count.
/// Throws route_file_error on the first malformed route.
std::size_t parse_routes(std::string_view text, std::string_view origin,
                         const std::function<void(route_entry&&)>& add,
                         route_file_format format = route_file_format::automatic);

/// Parses one `ip route show` line (continuation "nexthop" words included); throws
/// std::invalid_argument with the reason.
route_entry parse_ip_route_line(std::string_view line);

/// Parses `ip rule show` text (`ip -6 rule show` when `ipv6`); throws route_file_error.
std::vector<routing_rule> parse_rules(std::string_view text, std::string_view origin, bool ipv6);

}  // namespace pktscope
