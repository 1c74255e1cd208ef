#include "pktscope/tcp.hpp"

namespace pktscope {

tcp_options parse_tcp_options(byte_span options, anomaly_set& anomalies) noexcept {
    tcp_options out;
    out.any = !options.empty();
    std::size_t i = 0;
    while (i < options.size()) {
        const std::uint8_t kind = load_u8(options, i);
        if (kind == 0) break;  // End of Option List
        if (kind == 1) {       // No-Operation
            ++i;
            continue;
        }
        if (i + 1 >= options.size()) {
            anomalies.add(anomaly::tcp_option_overrun);
            break;
        }
        const std::uint8_t length = load_u8(options, i + 1);
        if (length < 2 || !has_bytes(options, i, length)) {
            anomalies.add(anomaly::tcp_option_overrun);
            break;
        }
        switch (kind) {
            case 2:  // MSS, RFC 9293 3.2
                if (length == 4) out.mss = load_be16(options, i + 2);
                else anomalies.add(anomaly::bad_tcp_option_length);
                break;
            case 3:  // Window scale, RFC 7323 2.2
                if (length == 3) out.window_scale = load_u8(options, i + 2);
                else anomalies.add(anomaly::bad_tcp_option_length);
                break;
            case 4:  // SACK permitted, RFC 2018 2
                if (length == 2) out.sack_permitted = true;
                else anomalies.add(anomaly::bad_tcp_option_length);
                break;
            case 5:  // SACK, RFC 2018 3: 8n+2 bytes, at least one block
                if (length < 10 || (length - 2) % 8 != 0) {
                    anomalies.add(anomaly::bad_tcp_option_length);
                    break;
                }
                for (std::size_t b = i + 2; b + 8 <= i + length && out.sack_count < out.sack.size();
                     b += 8)
                    out.sack[out.sack_count++] = {tcp_seq{load_be32(options, b)},
                                                  tcp_seq{load_be32(options, b + 4)}};
                break;
            case 8:  // Timestamps, RFC 7323 3.2
                if (length == 10)
                    out.timestamp = tcp_timestamp{load_be32(options, i + 2), load_be32(options, i + 6)};
                else anomalies.add(anomaly::bad_tcp_option_length);
                break;
            default:  // unknown: skipped by its length
                break;
        }
        i += length;
    }
    return out;
}

}  // namespace pktscope
