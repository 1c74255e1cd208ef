// dns_stream_reassembler: TCP byte stream -> length-prefixed DNS messages (RFC 1035 4.2.2).
#include "pktscope/dns_stream.hpp"

#include <algorithm>

namespace pktscope {

void dns_stream_reassembler::add(tcp_seq seq, bool syn, byte_span payload, bool complete) {
    // Spans handed out by next_message() end here, so consumed bytes can go.
    if (read_ != 0) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(read_));
        read_ = 0;
    }
    const tcp_seq data_seq = syn ? seq + 1 : seq;
    if (!started_) {
        started_ = true;
        next_seq_ = data_seq;
    }
    if (!complete) {
        // Bytes past the snapshot length are lost: the stream's alignment goes with them.
        ++counters_.gaps;
        counters_.bytes_dropped += buffer_.size() + held_bytes_ + payload.size();
        buffer_.clear();
        held_.clear();
        held_bytes_ = 0;
        started_ = false;
        return;
    }
    if (payload.empty()) return;
    if (data_seq - next_seq_ <= 0) {
        append_in_order(data_seq, payload);
        drain_held();
        return;
    }
    // Early segment: hold a copy until the bytes before it arrive. When the bounds are hit
    // the hole is taken as lost for good (the capture dropped it) and reading resumes at
    // the held data.
    ++counters_.out_of_order_segments;
    while (!held_.empty() && (held_.size() >= limits_.max_held_segments ||
                              held_bytes_ + payload.size() > limits_.max_held_bytes))
        resync_to_held();
    if (data_seq - next_seq_ <= 0) {
        append_in_order(data_seq, payload);
        drain_held();
        return;
    }
    if (payload.size() > limits_.max_held_bytes || limits_.max_held_segments == 0) {
        ++counters_.gaps;
        counters_.bytes_dropped += buffer_.size();
        buffer_.clear();
        next_seq_ = data_seq;
        append_in_order(data_seq, payload);
        return;
    }
    held_.push_back({data_seq, std::vector<std::byte>(payload.begin(), payload.end())});
    held_bytes_ += payload.size();
}

void dns_stream_reassembler::append_in_order(tcp_seq seq, byte_span payload) {
    const std::int32_t behind = next_seq_ - seq;  // bytes of this segment already seen
    const std::size_t skip = static_cast<std::size_t>(behind);
    if (skip >= payload.size()) {
        counters_.retransmitted_bytes += payload.size();
        return;
    }
    counters_.retransmitted_bytes += skip;
    const byte_span fresh = payload.subspan(skip);
    buffer_.insert(buffer_.end(), fresh.begin(), fresh.end());
    next_seq_ = next_seq_ + static_cast<std::uint32_t>(fresh.size());
}

void dns_stream_reassembler::drain_held() {
    bool progressed = true;
    while (progressed && !held_.empty()) {
        progressed = false;
        for (std::size_t i = 0; i < held_.size(); ++i) {
            if (held_[i].seq - next_seq_ > 0) continue;
            held_segment segment = std::move(held_[i]);
            held_[i] = std::move(held_.back());
            held_.pop_back();
            held_bytes_ -= segment.bytes.size();
            append_in_order(segment.seq, segment.bytes);
            progressed = true;
            break;
        }
    }
}

void dns_stream_reassembler::resync_to_held() {
    const auto earliest = std::min_element(held_.begin(), held_.end(),
                                           [this](const held_segment& a, const held_segment& b) {
                                               return a.seq - next_seq_ < b.seq - next_seq_;
                                           });
    ++counters_.gaps;
    counters_.bytes_dropped += buffer_.size();  // the partial message before the hole
    buffer_.clear();
    next_seq_ = earliest->seq;
    drain_held();
}

bool dns_stream_reassembler::next_message(byte_span& message) {
    const std::size_t available = buffer_.size() - read_;
    if (available < 2) return false;
    const byte_span rest(buffer_.data() + read_, available);
    const std::size_t length = load_be16(rest, 0);
    if (available < 2 + length) return false;
    message = rest.subspan(2, length);
    read_ += 2 + length;
    ++counters_.messages;
    return true;
}

}  // namespace pktscope
