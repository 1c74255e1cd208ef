// Reading what dig printed (dig +qr: the query it sent and the answer it got), so live tests
// can compare `pktscope dns` records with an independent client's view of the same exchange.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace pktscope::testing {

/// One record line of a dig section: "www.pks.test. 600 IN A 10.53.1.80".
struct dig_rr {
    std::string name;  ///< without the trailing dot
    long ttl = 0;
    std::string type;
    std::string data;  ///< names in it without trailing dots
};

/// One message block (";; Sending:" or ";; Got answer:").
struct dig_message {
    int id = -1;
    std::string status;              ///< "NOERROR", "NXDOMAIN", ...
    std::vector<std::string> flags;  ///< "qr", "aa", "rd", "tc", ...
    bool edns = false;
    int udp_size = 0;
    bool do_bit = false;
    std::string client_subnet;  ///< "10.53.0.0/24/0"
    std::string cookie;         ///< hex as dig prints it (client cookie, maybe + server)
    std::string qname;          ///< without the trailing dot
    std::string qtype;
    std::vector<dig_rr> answers;
    std::vector<dig_rr> authority;
    bool has_flag(const std::string& f) const {
        for (const auto& x : flags)
            if (x == f) return true;
        return false;
    }
};

/// A whole dig run.
struct dig_result {
    std::vector<dig_message> sent;      ///< every query dig printed as sent
    std::vector<dig_message> received;  ///< every answer it printed
    bool truncated_retry = false;       ///< ";; Truncated, retrying in TCP mode."
    bool unreachable = false;           ///< ";; no servers could be reached"
    int query_time_ms = -1;
    std::string server_ip;
    int server_port = 0;
    std::string transport;  ///< "UDP" or "TCP"
};

/// Drops one trailing dot of every whitespace-separated word ("www.pks.test." -> ...).
inline std::string strip_name_dots(const std::string& s) {
    std::string out;
    bool quoted = false;
    // Quoted TXT strings are copied as they are (a dot inside one is data).
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '"' && (i == 0 || s[i - 1] != '\\')) quoted = !quoted;
        if (!quoted && c == '.' && (i + 1 == s.size() || s[i + 1] == ' ') && i > 0 &&
            s[i - 1] != ' ')
            continue;
        out.push_back(c);
    }
    return out;
}

inline dig_rr parse_dig_rr(const std::string& line) {
    std::istringstream in(line);
    dig_rr rr;
    std::string rrclass;
    in >> rr.name >> rr.ttl >> rrclass >> rr.type;
    std::getline(in, rr.data);
    const std::size_t start = rr.data.find_first_not_of(" \t");
    rr.data = start == std::string::npos ? "" : rr.data.substr(start);
    if (rr.name.size() > 1 && rr.name.back() == '.') rr.name.pop_back();
    rr.data = strip_name_dots(rr.data);
    return rr;
}

inline dig_result parse_dig(const std::string& text) {
    dig_result r;
    dig_message* current = nullptr;
    enum class section { none, question, answer, authority, other } in = section::none;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(";; Sending:", 0) == 0) {
            r.sent.emplace_back();
            current = &r.sent.back();
            in = section::none;
        } else if (line.rfind(";; Got answer:", 0) == 0) {
            r.received.emplace_back();
            current = &r.received.back();
            in = section::none;
        } else if (line.rfind(";; Truncated, retrying in TCP mode", 0) == 0) {
            r.truncated_retry = true;
        } else if (line.find("no servers could be reached") != std::string::npos) {
            r.unreachable = true;
        } else if (line.rfind(";; Query time:", 0) == 0) {
            r.query_time_ms = std::stoi(line.substr(15));
        } else if (line.rfind(";; SERVER:", 0) == 0) {
            // ";; SERVER: 10.53.1.2#53(10.53.1.2) (UDP)"
            const std::size_t hash = line.find('#');
            r.server_ip = line.substr(11, hash - 11);
            r.server_port = std::stoi(line.substr(hash + 1));
            r.transport = line.substr(line.rfind('(') + 1, 3);
        } else if (current == nullptr) {
            continue;
        } else if (line.rfind(";; ->>HEADER<<-", 0) == 0) {
            const std::size_t s = line.find("status: ");
            current->status = line.substr(s + 8, line.find(',', s) - s - 8);
            current->id = std::stoi(line.substr(line.find("id: ") + 4));
        } else if (line.rfind(";; flags:", 0) == 0) {
            std::istringstream f(line.substr(10, line.find(';', 10) - 10));
            std::string flag;
            while (f >> flag) current->flags.push_back(flag);
        } else if (line.rfind("; EDNS:", 0) == 0) {
            current->edns = true;
            current->udp_size = std::stoi(line.substr(line.find("udp: ") + 5));
            const std::string flags =
                line.substr(line.find("flags:"), line.find("; udp") - line.find("flags:"));
            current->do_bit = flags.find("do") != std::string::npos;
        } else if (line.rfind("; CLIENT-SUBNET: ", 0) == 0) {
            current->client_subnet = line.substr(17);
        } else if (line.rfind("; COOKIE: ", 0) == 0) {
            current->cookie = line.substr(10, line.find(' ', 10) - 10);
        } else if (line.rfind(";; QUESTION SECTION:", 0) == 0) {
            in = section::question;
        } else if (line.rfind(";; ANSWER SECTION:", 0) == 0) {
            in = section::answer;
        } else if (line.rfind(";; AUTHORITY SECTION:", 0) == 0) {
            in = section::authority;
        } else if (line.rfind(";; ", 0) == 0) {
            in = section::other;
        } else if (line.empty()) {
            if (in != section::none) in = section::other;
        } else if (in == section::question && line[0] == ';') {
            std::istringstream q(line.substr(1));
            std::string rrclass;
            q >> current->qname >> rrclass >> current->qtype;
            if (current->qname.size() > 1 && current->qname.back() == '.')
                current->qname.pop_back();
        } else if (in == section::answer) {
            current->answers.push_back(parse_dig_rr(line));
        } else if (in == section::authority) {
            current->authority.push_back(parse_dig_rr(line));
        }
    }
    return r;
}

}  // namespace pktscope::testing
