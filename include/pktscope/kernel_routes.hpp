// The live kernel FIB through rtnetlink (libnl-route-3): every route of every table and the
// policy rules (what `ip route show table all` and `ip rule show` print), and the kernel's own
// answer for one destination (RTM_GETROUTE with RTM_F_FIB_MATCH, `ip route get fibmatch`).
#pragma once

#include <memory>
#include <string>

#include "pktscope/route_table.hpp"

namespace pktscope {

/// Adds every IPv4 and IPv6 route of every table and every policy rule of this network
/// namespace to `out` (call out.finish() afterwards). Throws capture_error naming the
/// netlink failure.
void load_kernel_routes(routing_tables& out);

/// The kernel's answer for one destination.
struct kernel_route_answer {
    int error = 0;  ///< 0, or the errno: EINVAL blackhole, EHOSTUNREACH unreachable,
                    ///< EACCES prohibit, ENETUNREACH no route
    route_entry
        route;  ///< the matched route (prefix, table, type, metric, dev, via) when error == 0
    /// The route type the error stands for (blackhole/unreachable/prohibit), unspec otherwise.
    route_type error_type() const noexcept;
};

/// An rtnetlink socket asking the kernel for route decisions, one request at a time.
class kernel_route_query {
  public:
    /// Opens the socket; throws capture_error.
    kernel_route_query();
    ~kernel_route_query();
    kernel_route_query(const kernel_route_query&) = delete;
    kernel_route_query& operator=(const kernel_route_query&) = delete;

    /// The route the kernel would use for locally generated traffic to `destination`
    /// (no source, no mark). Throws capture_error when netlink itself fails.
    kernel_route_answer get(const any_address& destination);

    struct state;  ///< the socket and the answer being assembled (internal)

  private:
    std::unique_ptr<state> state_;
};

}  // namespace pktscope
