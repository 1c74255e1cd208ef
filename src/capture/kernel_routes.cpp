// Kernel routes and rules through libnl-route-3, and RTM_GETROUTE fibmatch queries.
#include "pktscope/kernel_routes.hpp"

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "pktscope/capture.hpp"

namespace pktscope {
namespace {

struct socket_deleter {
    void operator()(nl_sock* s) const noexcept { nl_socket_free(s); }
};
using socket_ptr = std::unique_ptr<nl_sock, socket_deleter>;

socket_ptr open_route_socket() {
    socket_ptr sock(nl_socket_alloc());
    if (!sock) throw capture_error("netlink: cannot allocate a socket");
    if (const int rc = nl_connect(sock.get(), NETLINK_ROUTE); rc < 0)
        throw capture_error(fmt::format("netlink: cannot connect: {}", nl_geterror(rc)));
    return sock;
}

route_type type_of(unsigned rtn) noexcept {
    switch (rtn) {
        case RTN_UNICAST:
            return route_type::unicast;
        case RTN_LOCAL:
            return route_type::local;
        case RTN_BROADCAST:
            return route_type::broadcast;
        case RTN_ANYCAST:
            return route_type::anycast;
        case RTN_MULTICAST:
            return route_type::multicast;
        case RTN_BLACKHOLE:
            return route_type::blackhole;
        case RTN_UNREACHABLE:
            return route_type::unreachable;
        case RTN_PROHIBIT:
            return route_type::prohibit;
        case RTN_THROW:
            return route_type::throw_;
        case RTN_NAT:
            return route_type::nat;
        default:
            return route_type::unspec;
    }
}

// Text of a binary address of `family` ("" when absent or of another size).
std::string address_text(int family, const void* bytes, unsigned size) {
    char buf[INET6_ADDRSTRLEN] = {};
    if ((family == AF_INET && size == 4) || (family == AF_INET6 && size == 16))
        if (inet_ntop(family, bytes, buf, sizeof buf) != nullptr) return buf;
    return {};
}

std::string address_text(nl_addr* a) {
    if (a == nullptr) return {};
    return address_text(nl_addr_get_family(a), nl_addr_get_binary_addr(a), nl_addr_get_len(a));
}

any_prefix prefix_of(int family, const void* bytes, unsigned size, unsigned length) {
    any_prefix p;
    p.ipv6 = family == AF_INET6;
    if (p.ipv6) {
        if (size == 16) std::memcpy(p.v6.address.octets.data(), bytes, 16);
        p.v6.length = static_cast<std::uint8_t>(std::min(length, 128U));
        p.v6.address = network_of(p.v6.address, p.v6.length);
    } else {
        if (size == 4) {
            std::uint32_t be;
            std::memcpy(&be, bytes, 4);
            p.v4.address.value = ntohl(be);
        }
        p.v4.length = static_cast<std::uint8_t>(std::min(length, 32U));
        p.v4.address = network_of(p.v4.address, p.v4.length);
    }
    return p;
}

std::string interface_name(int ifindex) {
    if (ifindex <= 0) return {};
    char buf[IF_NAMESIZE] = {};
    if (if_indextoname(static_cast<unsigned>(ifindex), buf) != nullptr) return buf;
    return fmt::format("if{}", ifindex);
}

route_entry entry_of(rtnl_route* r) {
    route_entry e;
    const int family = static_cast<int>(rtnl_route_get_family(r));
    nl_addr* dst = rtnl_route_get_dst(r);
    e.prefix = prefix_of(family, dst ? nl_addr_get_binary_addr(dst) : nullptr,
                         dst ? nl_addr_get_len(dst) : 0U, dst ? nl_addr_get_prefixlen(dst) : 0U);
    e.type = type_of(rtnl_route_get_type(r));
    e.table = rtnl_route_get_table(r);
    e.metric = rtnl_route_get_priority(r);
    char buf[64];
    e.protocol = rtnl_route_proto2str(rtnl_route_get_protocol(r), buf, sizeof buf);
    e.scope = rtnl_scope2str(rtnl_route_get_scope(r), buf, sizeof buf);
    e.src = address_text(rtnl_route_get_pref_src(r));
    const int hops = rtnl_route_get_nnexthops(r);
    if (hops > 0) {
        rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
        e.via = address_text(rtnl_route_nh_get_gateway(nh));
        if (e.via.empty()) e.via = address_text(rtnl_route_nh_get_via(nh));
        e.dev = interface_name(rtnl_route_nh_get_ifindex(nh));
        e.nexthop_count = static_cast<std::uint16_t>(hops);
    }
    return e;
}

// Rules are read from a raw RTM_GETRULE dump (libnl's rule object lacks the invert flag and
// suppress_prefixlength).
struct rule_dump {
    std::vector<routing_rule> rules;
};

int on_rule(nl_msg* msg, void* arg) {
    auto* dump = static_cast<rule_dump*>(arg);
    nlmsghdr* nlh = nlmsg_hdr(msg);
    if (nlh->nlmsg_type != RTM_NEWRULE) return NL_OK;
    const auto* frh = static_cast<const fib_rule_hdr*>(nlmsg_data(nlh));
    if (frh->family != AF_INET && frh->family != AF_INET6) return NL_OK;
    nlattr* tb[FRA_MAX + 1] = {};
    if (nlmsg_parse(nlh, sizeof(fib_rule_hdr), tb, FRA_MAX, nullptr) < 0) return NL_OK;
    routing_rule r;
    r.ipv6 = frh->family == AF_INET6;
    r.invert = (frh->flags & FIB_RULE_INVERT) != 0;
    r.tos = frh->tos;
    r.table = frh->table;
    if (tb[FRA_TABLE]) r.table = nla_get_u32(tb[FRA_TABLE]);
    if (tb[FRA_PRIORITY]) r.priority = nla_get_u32(tb[FRA_PRIORITY]);
    if (tb[FRA_SRC])
        r.from = prefix_of(frh->family, nla_data(tb[FRA_SRC]),
                           static_cast<unsigned>(nla_len(tb[FRA_SRC])), frh->src_len);
    if (tb[FRA_DST])
        r.to = prefix_of(frh->family, nla_data(tb[FRA_DST]),
                         static_cast<unsigned>(nla_len(tb[FRA_DST])), frh->dst_len);
    if (tb[FRA_FWMARK]) r.fwmark = nla_get_u32(tb[FRA_FWMARK]);
    if (tb[FRA_FWMASK]) r.fwmask = nla_get_u32(tb[FRA_FWMASK]);
    if (tb[FRA_IIFNAME]) r.iif = nla_get_string(tb[FRA_IIFNAME]);
    if (tb[FRA_OIFNAME]) r.oif = nla_get_string(tb[FRA_OIFNAME]);
    if (tb[FRA_SUPPRESS_PREFIXLEN]) {
        const std::uint32_t n = nla_get_u32(tb[FRA_SUPPRESS_PREFIXLEN]);
        if (n != 0xFFFFFFFF) r.suppress_prefixlength = n;
    }
    if (tb[FRA_UID_RANGE]) r.unsupported = "uidrange";
    if (tb[FRA_IP_PROTO] && nla_get_u8(tb[FRA_IP_PROTO]) != 0) r.unsupported = "ipproto";
    if (tb[FRA_SPORT_RANGE] || tb[FRA_DPORT_RANGE]) r.unsupported = "port range";
    if (tb[FRA_L3MDEV] && nla_get_u8(tb[FRA_L3MDEV]) != 0) r.unsupported = "l3mdev";
    switch (frh->action) {
        case FR_ACT_TO_TBL:
            r.action = rule_action::lookup;
            break;
        case FR_ACT_GOTO:
            r.action = rule_action::goto_;
            break;
        case FR_ACT_NOP:
            r.action = rule_action::nop;
            break;
        case FR_ACT_BLACKHOLE:
            r.action = rule_action::blackhole;
            break;
        case FR_ACT_UNREACHABLE:
            r.action = rule_action::unreachable;
            break;
        case FR_ACT_PROHIBIT:
            r.action = rule_action::prohibit;
            break;
        default:
            r.unsupported = fmt::format("action {}", frh->action);
            break;
    }
    // The rule in `ip rule show` words, for explanations.
    std::string text = fmt::format("{}: {}from {}", r.priority, r.invert ? "not " : "",
                                   r.from ? to_string(*r.from) : "all");
    if (r.to) text += " to " + to_string(*r.to);
    if (r.fwmark) text += fmt::format(" fwmark {:#x}/{:#x}", *r.fwmark, r.fwmask);
    if (!r.iif.empty()) text += " iif " + r.iif;
    if (!r.oif.empty()) text += " oif " + r.oif;
    if (!r.unsupported.empty()) text += " " + r.unsupported;
    switch (r.action) {
        case rule_action::lookup:
            text += " lookup " + table_name(r.table);
            break;
        case rule_action::blackhole:
            text += " blackhole";
            break;
        case rule_action::unreachable:
            text += " unreachable";
            break;
        case rule_action::prohibit:
            text += " prohibit";
            break;
        case rule_action::nop:
            text += " nop";
            break;
        case rule_action::goto_:
            text += " goto";
            break;
    }
    if (r.suppress_prefixlength)
        text += fmt::format(" suppress_prefixlength {}", *r.suppress_prefixlength);
    r.text = std::move(text);
    dump->rules.push_back(std::move(r));
    return NL_OK;
}

}  // namespace

void load_kernel_routes(routing_tables& out) {
    socket_ptr sock = open_route_socket();
    nl_cache* cache = nullptr;
    if (const int rc = rtnl_route_alloc_cache(sock.get(), AF_UNSPEC, 0, &cache); rc < 0)
        throw capture_error(fmt::format("netlink: cannot dump routes: {}", nl_geterror(rc)));
    for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
        auto* r = reinterpret_cast<rtnl_route*>(o);  // libnl's object model: a route is an object
        const auto family = rtnl_route_get_family(r);
        if (family != AF_INET && family != AF_INET6) continue;
        if (rtnl_route_get_flags(r) & RTM_F_CLONED) continue;
        out.add_route(entry_of(r));
    }
    nl_cache_free(cache);

    rule_dump dump;
    fib_rule_hdr frh{};
    frh.family = AF_UNSPEC;
    if (const int rc = nl_send_simple(sock.get(), RTM_GETRULE, NLM_F_DUMP, &frh, sizeof frh);
        rc < 0)
        throw capture_error(fmt::format("netlink: cannot dump rules: {}", nl_geterror(rc)));
    nl_socket_modify_cb(sock.get(), NL_CB_VALID, NL_CB_CUSTOM, on_rule, &dump);
    if (const int rc = nl_recvmsgs_default(sock.get()); rc < 0)
        throw capture_error(fmt::format("netlink: cannot read rules: {}", nl_geterror(rc)));
    for (routing_rule& r : dump.rules) out.add_rule(std::move(r));
}

route_type kernel_route_answer::error_type() const noexcept {
    switch (error) {
        case EINVAL:
            return route_type::blackhole;
        case EHOSTUNREACH:
            return route_type::unreachable;
        case EACCES:
            return route_type::prohibit;
        default:
            return route_type::unspec;
    }
}

struct kernel_route_query::state {
    socket_ptr sock;
    kernel_route_answer answer;
    bool done = false;
};

namespace {
int on_route_reply(nl_msg* msg, void* arg) {
    auto* s = static_cast<kernel_route_query::state*>(arg);
    rtnl_route* route = nullptr;
    if (rtnl_route_parse(nlmsg_hdr(msg), &route) >= 0 && route != nullptr) {
        s->answer.route = entry_of(route);
        rtnl_route_put(route);
    }
    return NL_OK;
}
int on_ack(nl_msg*, void* arg) {
    static_cast<kernel_route_query::state*>(arg)->done = true;
    return NL_STOP;
}
int on_error(sockaddr_nl*, nlmsgerr* err, void* arg) {
    auto* s = static_cast<kernel_route_query::state*>(arg);
    s->answer.error = -err->error;
    s->done = true;
    return NL_STOP;
}
}  // namespace

kernel_route_query::kernel_route_query() : state_(std::make_unique<state>()) {
    state_->sock = open_route_socket();
    nl_sock* sock = state_->sock.get();
    nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_route_reply, state_.get());
    nl_socket_modify_cb(sock, NL_CB_ACK, NL_CB_CUSTOM, on_ack, state_.get());
    nl_socket_modify_err_cb(sock, NL_CB_CUSTOM, on_error, state_.get());
}

kernel_route_query::~kernel_route_query() = default;

kernel_route_answer kernel_route_query::get(const any_address& destination) {
    state& s = *state_;
    s.answer = {};
    s.done = false;
    rtmsg rtm{};
    rtm.rtm_family = destination.ipv6 ? AF_INET6 : AF_INET;
    rtm.rtm_dst_len = destination.ipv6 ? 128 : 32;
    rtm.rtm_flags = RTM_F_FIB_MATCH | RTM_F_LOOKUP_TABLE;  // the table the rules led to, not "main"
    std::unique_ptr<nl_msg, void (*)(nl_msg*)> msg(nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_REQUEST),
                                                   nlmsg_free);
    if (!msg || nlmsg_append(msg.get(), &rtm, sizeof rtm, NLMSG_ALIGNTO) < 0)
        throw capture_error("netlink: cannot build a route request");
    std::uint32_t v4 = htonl(destination.v4.value);
    const int put = destination.ipv6 ? nla_put(msg.get(), RTA_DST, 16, destination.v6.octets.data())
                                     : nla_put(msg.get(), RTA_DST, 4, &v4);
    if (put < 0) throw capture_error("netlink: cannot build a route request");
    if (const int rc = nl_send_auto(s.sock.get(), msg.get()); rc < 0)
        throw capture_error(
            fmt::format("netlink: cannot send a route request: {}", nl_geterror(rc)));
    for (int rounds = 0; !s.done && rounds < 16; ++rounds) {
        const int rc = nl_recvmsgs_default(s.sock.get());
        if (rc < 0 && !s.done)
            throw capture_error(fmt::format("netlink: route request failed: {}", nl_geterror(rc)));
    }
    return s.answer;
}

}  // namespace pktscope
