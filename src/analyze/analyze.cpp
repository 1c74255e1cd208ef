// pktscope_analyze: analyzers over decoded packets (flow table, handshake tracker, DNS
// tracker, prefix table); each lives in its own file here.
