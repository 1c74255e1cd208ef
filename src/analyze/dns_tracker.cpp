// dns_tracker: queries and responses in, dns_transaction records out. Matching and the
// pending table's life cycle live here; reading messages is in dns_message_facts.cpp, TCP
// reassembly in dns_tcp_stream.cpp.
#include "pktscope/dns_tracker.hpp"

#include <bitset>
#include <deque>

#include "dns_message_facts.hpp"
#include "dns_pending_table.hpp"
#include "pktscope/dns_stream.hpp"

namespace pktscope {
namespace {

using detail::dns_flow_key;
using detail::pending_query;
using detail::question_facts;

void merge(anomaly_set& into, const anomaly_set& from) {
    from.for_each([&into](anomaly a) { into.add(a); });
}

struct tcp_stream {
    dns_stream_reassembler direction[2];  // [0]: low -> high, [1]: high -> low
    bool fin[2] = {false, false};
    std::size_t buffered_bytes = 0;
};

using tcp_stream_table = flow_table<tcp_stream, 1>;

tcp_stream_table::options stream_table_options(const dns_tracker_options& o) {
    tcp_stream_table::options t;
    t.max_entries = o.max_tcp_streams;
    t.idle_timeout_ns[0] = o.tcp_idle_timeout_ns;
    return t;
}

// A TC answer waiting (bounded time) for the TCP retry that it causes.
struct held_truncated {
    dns_transaction transaction;
    std::int64_t deadline_ns = 0;
};

}  // namespace

struct dns_tracker::impl {
    impl(dns_tracker_options o, dns_transaction_sink s)
        : options(std::move(o)),
          sink(std::move(s)),
          table(options.max_pending),
          streams(stream_table_options(options)) {
        for (std::uint16_t port : options.ports) dns_ports.set(port);
    }

    dns_tracker_options options;
    dns_transaction_sink sink;
    dns_tracker_counters counters;
    detail::dns_pending_table table;
    detail::dns_answered_memory answered;
    std::bitset<65536> dns_ports;
    std::int64_t now_ns = INT64_MIN;
    dns_transaction scratch;  // every record is built here, so its buffers are reused
    question_facts question;
    anomaly_set found;  // anomalies of the message being read
    detail::rr_spares spares;
    tcp_stream_table streams;
    std::size_t tcp_buffered_bytes = 0;
    std::deque<held_truncated> held;

    // --- time ---

    void advance(std::int64_t ts_ns) {
        if (ts_ns > now_ns) now_ns = ts_ns;
        for (std::uint32_t slot = table.oldest(); slot != detail::dns_pending_table::npos;
             slot = table.oldest()) {
            pending_query& q = table.at(slot);
            if (q.query_ts_ns + options.timeout_ns >= now_ns) break;
            emit_unanswered(q, false);
            table.erase(slot);
        }
        while (!held.empty() && held.front().deadline_ns < now_ns) {
            sink(held.front().transaction);
            held.pop_front();
        }
        streams.expire(now_ns, [this](const flow_key&, tcp_stream& s, flow_removal why) {
            forget_stream(s, why);
        });
    }

    void forget_stream(tcp_stream& s, flow_removal why) {
        if (why == flow_removal::table_full) ++counters.tcp_stream_evictions;
        counters.tcp_bytes_dropped += s.buffered_bytes;
        tcp_buffered_bytes -= s.buffered_bytes;
        s.buffered_bytes = 0;
    }

    void finish() {
        for (std::uint32_t slot = table.oldest(); slot != detail::dns_pending_table::npos;
             slot = table.oldest()) {
            pending_query& q = table.at(slot);
            emit_unanswered(q, false);
            table.erase(slot);
        }
        while (!held.empty()) {
            sink(held.front().transaction);
            held.pop_front();
        }
        streams.flush(
            [this](const flow_key&, tcp_stream& s, flow_removal why) { forget_stream(s, why); });
    }

    // --- packets ---

    void add(const frame& f, const decoded_packet& p, std::uint64_t frame_number) {
        advance(f.ts_ns);
        const std::optional<flow_key> flow = flow_key_of(p);
        if (!flow) return;
        const flow_endpoint& src = flow->source;
        const flow_endpoint& dst = flow->destination;
        if (!dns_ports.test(src.port) && !dns_ports.test(dst.port)) return;
        if (p.udp) {
            ++counters.udp_messages;
            // A datagram cut by the snapshot length is short, not malformed.
            message(dns_transport::udp, src, dst, p.payload, p.payload.size() >= p.payload_length,
                    frame_number, f.ts_ns);
        } else if (p.tcp) {
            tcp_segment(p, *flow, frame_number, f.ts_ns);
        }
    }

    void tcp_segment(const decoded_packet& p, const flow_key& flow, std::uint64_t frame_number,
                     std::int64_t ts_ns) {
        const canonical_flow conversation = canonicalize(flow);
        const int dir = conversation.swapped ? 1 : 0;
        const bool syn = p.tcp->has(tcp_flag::syn);
        const bool fin = p.tcp->has(tcp_flag::fin);
        const bool rst = p.tcp->has(tcp_flag::rst);
        tcp_stream_table::handle h = streams.find(conversation.key);
        if (h == tcp_stream_table::npos) {
            // Only data (or a SYN, which fixes the start) opens a stream.
            if (rst || (p.payload.empty() && !syn)) return;
            h = streams.insert(conversation.key, ts_ns, 0,
                               [this](const flow_key&, tcp_stream& s, flow_removal why) {
                                   forget_stream(s, why);
                               });
        } else {
            streams.touch(h, ts_ns, 0);
        }
        tcp_stream& stream = streams.value(h);
        dns_stream_reassembler& r = stream.direction[dir];
        const dns_stream_counters before = r.counters();
        r.add(p.tcp->sequence_number(), syn, p.payload, p.payload.size() >= p.payload_length);
        byte_span m;
        while (r.next_message(m)) {
            ++counters.tcp_messages;
            message(dns_transport::tcp, flow.source, flow.destination, m, true, frame_number,
                    ts_ns);
        }
        counters.tcp_gaps += r.counters().gaps - before.gaps;
        counters.tcp_bytes_dropped += r.counters().bytes_dropped - before.bytes_dropped;
        const std::size_t buffered =
            stream.direction[0].buffered_bytes() + stream.direction[1].buffered_bytes();
        tcp_buffered_bytes = tcp_buffered_bytes - stream.buffered_bytes + buffered;
        stream.buffered_bytes = buffered;
        if (tcp_buffered_bytes > options.max_tcp_buffered_bytes) {
            // Over the byte budget: the stream that just grew loses what it holds.
            ++counters.tcp_buffer_resets;
            counters.tcp_bytes_dropped += stream.buffered_bytes;
            tcp_buffered_bytes -= stream.buffered_bytes;
            stream.buffered_bytes = 0;
            stream.direction[0] = dns_stream_reassembler();
            stream.direction[1] = dns_stream_reassembler();
        }
        if (fin) stream.fin[dir] = true;
        if (rst || (stream.fin[0] && stream.fin[1])) {
            // A message still incomplete when the connection ends is lost.
            counters.tcp_bytes_dropped += stream.buffered_bytes;
            tcp_buffered_bytes -= stream.buffered_bytes;
            streams.erase(h);
        }
    }

    // --- messages ---

    // `whole`: the message is all there (else its anomalies are not the sender's doing).
    void message(dns_transport transport, const flow_endpoint& src, const flow_endpoint& dst,
                 byte_span bytes, bool whole, std::uint64_t frame_number, std::int64_t ts_ns) {
        const auto m = dns_message::parse(bytes);
        if (!m) {
            ++counters.malformed;
            if (whole) counters.anomalies.add(single(anomaly::truncated_dns_header));
            return;
        }
        found = anomaly_set{};
        if (!m->qr())
            query(transport, src, dst, *m, whole, frame_number, ts_ns);
        else
            response(transport, dst, src, *m, whole, frame_number, ts_ns);
    }

    static anomaly_set single(anomaly a) {
        anomaly_set set;
        set.add(a);
        return set;
    }

    // What a message's walks found, kept when the message was whole.
    void settle(anomaly_set& into, bool whole) {
        if (!whole || found.empty()) return;
        merge(into, found);
        counters.anomalies.add(found);
    }

    void query(dns_transport transport, const flow_endpoint& client, const flow_endpoint& server,
               const dns_message& m, bool whole, std::uint64_t frame_number, std::int64_t ts_ns) {
        ++counters.queries;
        detail::read_first_question(m, question, found);
        const detail::dns_lookup lookup({client, server, m.id(), transport}, question);
        std::uint32_t slot = table.find(lookup);
        bool retry_elsewhere = false;
        if (slot == detail::dns_pending_table::npos) {
            // The same question from the same host to the same server while it is still
            // unanswered, from another port with the same ID (dig) or with another ID from
            // the same port (stubs): a retry, and its response must find the transaction too.
            slot = table.find_retried(lookup);
            retry_elsewhere = slot != detail::dns_pending_table::npos;
        }
        if (slot != detail::dns_pending_table::npos) {
            // Still waiting (expired ones are gone already): the same query again.
            pending_query& q = table.at(table.query_of(slot));
            if (m.arcount() != 0) {
                dns_edns_facts ignored;
                bool has = false;
                detail::read_query_edns(m, ignored, has, found);
            }
            settle(q.anomalies, whole);
            count_retransmission(q, frame_number);
            if (retry_elsewhere) table.add_alias(slot, lookup);
            return;
        }
        if (table.full()) evict_oldest();
        pending_query& q = table.at(table.insert(lookup));
        q.opcode = m.opcode();
        q.rd = m.rd();
        q.query_frame = frame_number;
        q.query_ts_ns = ts_ns;
        q.retransmissions = 0;
        q.retransmission_frames.clear();
        q.anomalies = anomaly_set{};
        q.truncated_udp_frame = 0;
        q.has_edns = false;
        if (m.arcount() != 0) detail::read_query_edns(m, q.edns, q.has_edns, found);
        settle(q.anomalies, whole);
        if (transport == dns_transport::tcp && !held.empty()) link_tcp_retry(q);
    }

    void count_retransmission(pending_query& q, std::uint64_t frame_number) {
        ++q.retransmissions;
        ++counters.retransmissions;
        if (q.retransmission_frames.size() < max_listed_retransmissions)
            q.retransmission_frames.push_back(frame_number);
    }

    void response(dns_transport transport, const flow_endpoint& client, const flow_endpoint& server,
                  const dns_message& m, bool whole, std::uint64_t frame_number,
                  std::int64_t ts_ns) {
        ++counters.responses;
        detail::read_first_question(m, question, found);
        const detail::dns_lookup lookup({client, server, m.id(), transport}, question);
        std::uint32_t slot = table.find(lookup);
        if (slot != detail::dns_pending_table::npos) slot = table.query_of(slot);
        dns_transaction& t = scratch;
        if (slot == detail::dns_pending_table::npos) {
            if (answered.recall(lookup.fingerprint(), ts_ns, options.timeout_ns)) {
                ++counters.duplicate_responses;
                return;
            }
            ++counters.unsolicited;
            t.transport = transport;
            t.client = client;
            t.server = server;
            t.id = m.id();
            t.opcode = m.opcode();
            t.rd = m.rd();
            t.has_question = question.present;
            t.qname.assign(question.name.view());
            t.qtype = question.qtype;
            t.qclass = question.qclass;
            t.status = dns_status::unsolicited;
            t.evicted = false;
            t.query_frame = 0;
            t.query_ts_ns = 0;
            t.retransmissions = 0;
            t.retransmission_frames.clear();
            t.has_query_edns = false;
            t.truncated_udp_frame = 0;
            t.tcp_retry_frame = 0;
            t.anomalies = anomaly_set{};
            t.latency_ns = 0;
        } else {
            pending_query& q = table.at(slot);
            fill_query_side(t, q);
            t.status = dns_status::answered;
            t.latency_ns = ts_ns - q.query_ts_ns;
            // Later responses to any of its keys are duplicates, not unsolicited.
            answered.remember(q.fingerprint(), ts_ns);
            for (std::uint32_t alias : q.aliases)
                answered.remember(table.at(alias).fingerprint(), ts_ns);
            table.erase(slot);
            ++counters.answered;
        }
        t.response_frame = frame_number;
        t.response_ts_ns = ts_ns;
        detail::read_response(m, t, found, spares);
        settle(t.anomalies, whole);
        if (transport == dns_transport::udp && t.tc && t.status == dns_status::answered) {
            ++counters.truncated;
            hold_truncated(t);
            return;
        }
        sink(t);
    }

    void fill_query_side(dns_transaction& t, const pending_query& q) {
        t.transport = q.key.transport;
        t.client = q.key.client;
        t.server = q.key.server;
        t.id = q.key.id;
        t.opcode = q.opcode;
        t.rd = q.rd;
        t.has_question = q.has_question;
        t.qname.assign(q.qname);
        t.qtype = q.qtype;
        t.qclass = q.qclass;
        t.evicted = false;
        t.query_frame = q.query_frame;
        t.query_ts_ns = q.query_ts_ns;
        t.retransmissions = q.retransmissions;
        t.retransmission_frames.assign(q.retransmission_frames.begin(),
                                       q.retransmission_frames.end());
        t.has_query_edns = q.has_edns;
        if (q.has_edns) t.query_edns = q.edns;
        t.truncated_udp_frame = q.truncated_udp_frame;
        t.tcp_retry_frame = 0;
        t.anomalies = q.anomalies;
    }

    void clear_response_side(dns_transaction& t) {
        t.rcode = 0;
        t.aa = t.tc = t.ra = t.ad = false;
        t.outcome = dns_outcome::none;
        spares.trim(t.answers, 0);
        spares.trim(t.authority, 0);
        t.has_soa = false;
        t.delegation.clear();
        t.response_frame = 0;
        t.response_ts_ns = 0;
        t.latency_ns = 0;
        t.has_response_edns = false;
    }

    void emit_unanswered(const pending_query& q, bool evicted) {
        dns_transaction& t = scratch;
        fill_query_side(t, q);
        clear_response_side(t);
        t.status = dns_status::unanswered;
        t.evicted = evicted;
        ++counters.unanswered;
        sink(t);
    }

    void evict_oldest() {
        const std::uint32_t slot = table.oldest();
        if (slot == detail::dns_pending_table::npos) return;
        ++counters.pending_evictions;
        emit_unanswered(table.at(slot), true);
        table.erase(slot);
    }

    void hold_truncated(const dns_transaction& t) {
        if (held.size() >= options.max_held_truncated && !held.empty()) {
            ++counters.held_truncated_evictions;
            sink(held.front().transaction);
            held.pop_front();
        }
        if (options.max_held_truncated == 0) {
            sink(t);
            return;
        }
        held.push_back({t, t.response_ts_ns + options.timeout_ns});
    }

    // A TCP query repeating a truncated UDP exchange (RFC 7766 5): same client host, same
    // server, same question.
    void link_tcp_retry(pending_query& q) {
        for (auto it = held.begin(); it != held.end(); ++it) {
            dns_transaction& t = it->transaction;
            if (!(t.client.address == q.key.client.address) || !(t.server == q.key.server) ||
                t.has_question != q.has_question || t.qtype != q.qtype || t.qclass != q.qclass ||
                !detail::dns_names_equal(t.qname, q.qname))
                continue;
            t.tcp_retry_frame = q.query_frame;
            q.truncated_udp_frame = t.query_frame;
            ++counters.tcp_retries_linked;
            sink(t);
            held.erase(it);
            return;
        }
    }
};

dns_tracker::dns_tracker(dns_tracker_options options, dns_transaction_sink sink)
    : impl_(std::make_unique<impl>(std::move(options), std::move(sink))) {}

dns_tracker::~dns_tracker() = default;

void dns_tracker::add(const frame& f, const decoded_packet& p, std::uint64_t frame_number) {
    impl_->add(f, p, frame_number);
}

void dns_tracker::advance(std::int64_t now_ns) {
    impl_->advance(now_ns);
}

void dns_tracker::finish() {
    impl_->finish();
}

const dns_tracker_counters& dns_tracker::counters() const noexcept {
    return impl_->counters;
}

std::size_t dns_tracker::pending() const noexcept {
    return impl_->table.queries();
}

}  // namespace pktscope
