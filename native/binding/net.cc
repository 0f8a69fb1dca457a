// N-API glue for the net area.
//
// Synchronous: netIoCounters, netIfAddrs, netClass, netSockStat, netNetStat, netTcpStates
// (one or a few procfs/sysfs reads each, or one netlink round trip for getifaddrs).
// Also offered on the libuv pool: netIfStatsAsync (the ethtool ioctl can take rtnl_lock and
// talk to the PHY), netClassAsync (sysfs speed/duplex go through the same driver call) and
// netTcpStatesAsync (the tcp tables of a busy host are megabytes).
// Only on the pool: netConnections (it readlinks every fd of every process).
#include <sys/socket.h>

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common.h"
#include "net.h"
#include "net_bonding.h"
#include "net_connections.h"
#include "net_extra.h"
#include "net_if.h"
#include "registry.h"

namespace hpn {
namespace {

Napi::Value net_io_counters(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto rows = hp::read_net_dev(roots_arg(info, 0));
    // Names plus one flat array of 16 counters per NIC: the TypeScript side builds the
    // objects (and applies nowrap) faster than per-property N-API calls would.
    Napi::Array names = Napi::Array::New(env, rows.size());
    Napi::Float64Array values = Napi::Float64Array::New(env, rows.size() * hp::kNetDevFieldCount);
    double* out = values.Data();
    for (size_t i = 0; i < rows.size(); ++i) {
      names.Set(static_cast<uint32_t>(i), str(env, rows[i].name));
      for (size_t j = 0; j < hp::kNetDevFieldCount; ++j)
        out[i * hp::kNetDevFieldCount + j] = static_cast<double>(rows[i].v[j]);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("names", names);
    o.Set("values", values);
    return o;
  });
}

// Flat rows [name, family, address, netmask, broadcast, ptp, name, ...]: the TypeScript side
// builds the objects (cheaper than per-property N-API sets).
Napi::Value net_if_addrs(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto rows = hp::read_nic_addrs();
    Napi::Array arr = Napi::Array::New(env, rows.size() * 6);
    uint32_t k = 0;
    for (const auto& r : rows) {
      arr.Set(k++, str(env, r.name));
      arr.Set(k++, num(env, r.family));
      arr.Set(k++, opt_str(env, r.address));
      arr.Set(k++, opt_str(env, r.netmask));
      arr.Set(k++, opt_str(env, r.broadcast));
      arr.Set(k++, opt_str(env, r.ptp));
    }
    return arr;
  });
}

Napi::Value nic_stats_array(Napi::Env env, const std::vector<hp::NicStats>& rows) {
  Napi::Array arr = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& s = rows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", str(env, s.name));
    o.Set("isUp", Napi::Boolean::New(env, s.is_up));
    o.Set("duplex", num(env, s.duplex));
    o.Set("speed", num(env, s.speed));
    o.Set("mtu", num(env, s.mtu));
    o.Set("flags", str(env, s.flags_str));
    arr.Set(static_cast<uint32_t>(i), o);
  }
  return arr;
}

Napi::Value net_if_stats(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return nic_stats_array(info.Env(), hp::read_nic_stats(roots_arg(info, 0))); });
}

Napi::Value net_if_stats_async(const Napi::CallbackInfo& info) {
  hp::Roots roots = roots_arg(info, 0);
  return RunAsync<std::vector<hp::NicStats>>(
      info, [roots]() { return hp::read_nic_stats(roots); },
      [](Napi::Env env, std::vector<hp::NicStats>& rows) { return nic_stats_array(env, rows); });
}

Napi::Value net_class_array(Napi::Env env, const std::vector<hp::NetClassInfo>& rows) {
  Napi::Array arr = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& c = rows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", str(env, c.name));
    o.Set("address", opt_str(env, c.address));
    o.Set("broadcast", opt_str(env, c.broadcast));
    o.Set("duplex", opt_str(env, c.duplex));
    o.Set("operstate", opt_str(env, c.operstate));
    o.Set("ifalias", opt_str(env, c.ifalias));
    o.Set("mtu", opt_num(env, c.mtu));
    o.Set("speed", opt_num(env, c.speed));
    o.Set("carrier", opt_num(env, c.carrier));
    o.Set("carrierChanges", opt_num(env, c.carrier_changes));
    o.Set("carrierUpCount", opt_num(env, c.carrier_up_count));
    o.Set("carrierDownCount", opt_num(env, c.carrier_down_count));
    o.Set("dormant", opt_num(env, c.dormant));
    o.Set("flags", opt_num(env, c.flags));
    o.Set("iflink", opt_num(env, c.iflink));
    o.Set("ifindex", opt_num(env, c.ifindex));
    o.Set("linkMode", opt_num(env, c.link_mode));
    o.Set("type", opt_num(env, c.type));
    o.Set("addrAssignType", opt_num(env, c.addr_assign_type));
    o.Set("nameAssignType", opt_num(env, c.name_assign_type));
    o.Set("netdevGroup", opt_num(env, c.netdev_group));
    o.Set("devId", opt_num(env, c.dev_id));
    o.Set("txQueueLen", opt_num(env, c.tx_queue_len));
    arr.Set(static_cast<uint32_t>(i), o);
  }
  return arr;
}

// netBondingAsync(roots) -> Promise of [{master, slaves, active}] (sysfs reads on the pool)
Napi::Value net_bonding_async(const Napi::CallbackInfo& info) {
  hp::Roots roots = roots_arg(info, 0);
  return RunAsync<std::vector<hp::BondingMaster>>(
      info, [roots]() { return hp::read_bonding(roots); },
      [](Napi::Env env, std::vector<hp::BondingMaster>& rows) {
        Napi::Array arr = Napi::Array::New(env, rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("master", str(env, rows[i].master));
          o.Set("slaves", num(env, rows[i].slaves));
          o.Set("active", num(env, rows[i].active));
          arr.Set(static_cast<uint32_t>(i), o);
        }
        return arr;
      });
}

Napi::Value net_class(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return net_class_array(info.Env(), hp::read_net_class(roots_arg(info, 0))); });
}

Napi::Value net_class_async(const Napi::CallbackInfo& info) {
  hp::Roots roots = roots_arg(info, 0);
  return RunAsync<std::vector<hp::NetClassInfo>>(
      info, [roots]() { return hp::read_net_class(roots); },
      [](Napi::Env env, std::vector<hp::NetClassInfo>& rows) { return net_class_array(env, rows); });
}

void json_string(std::string& out, const std::string& s) {
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\u%04x", c);
      out += esc;
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

// protocol -> field -> number as JSON text: a few hundred fields, which JSON.parse turns into
// objects several times faster than one N-API property set per field.
Napi::Value stat_groups_json(Napi::Env env, const hp::StatGroups& groups) {
  std::string out;
  out.reserve(16 * 1024);
  out.push_back('{');
  bool first_group = true;
  for (const auto& g : groups) {
    if (!first_group) out.push_back(',');
    first_group = false;
    json_string(out, g.name);
    out += ":{";
    bool first = true;
    for (const auto& [k, v] : g.fields) {
      if (!first) out.push_back(',');
      first = false;
      json_string(out, k);
      out.push_back(':');
      char num[32];
      auto [end, ec] = std::to_chars(num, num + sizeof(num), v);
      out.append(num, ec == std::errc() ? end : num);
    }
    out.push_back('}');
  }
  out.push_back('}');
  return Napi::String::New(env, out);
}

Napi::Value net_sock_stat(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return stat_groups_json(info.Env(), hp::read_sockstat(roots_arg(info, 0))); });
}

Napi::Value net_net_stat(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return stat_groups_json(info.Env(), hp::read_netstat(roots_arg(info, 0))); });
}

Napi::Value tcp_states_obj(Napi::Env env, const hp::TcpStateCounts& c) {
  Napi::Object states = Napi::Object::New(env);
  for (int s = 1; s <= 11; ++s) states.Set(hp::tcp_state_label(s), num(env, c.counts[static_cast<size_t>(s)]));
  Napi::Object o = Napi::Object::New(env);
  o.Set("states", states);
  o.Set("unknown", num(env, c.counts[0]));
  o.Set("rxQueuedBytes", num(env, c.rx_queued_bytes));
  o.Set("txQueuedBytes", num(env, c.tx_queued_bytes));
  return o;
}

Napi::Value net_tcp_states(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return tcp_states_obj(info.Env(), hp::read_tcp_states(roots_arg(info, 0))); });
}

Napi::Value net_tcp_states_async(const Napi::CallbackInfo& info) {
  hp::Roots roots = roots_arg(info, 0);
  return RunAsync<hp::TcpStateCounts>(
      info, [roots]() { return hp::read_tcp_states(roots); },
      [](Napi::Env env, hp::TcpStateCounts& c) { return tcp_states_obj(env, c); });
}

// Flat rows of 9: [fd, family, type, localIp-or-path, localPort, remoteIp, remotePort,
// state, pid]. An absent address is null ip and port 0; state is the kernel TCP state number
// (0 for NONE: udp, unix, unknown numbers); pid null when unknown.
Napi::Value connections_array(Napi::Env env, const std::vector<hp::Connection>& rows) {
  Napi::Array arr = Napi::Array::New(env, rows.size() * 9);
  uint32_t k = 0;
  for (const auto& c : rows) {
    arr.Set(k++, num(env, c.fd));
    arr.Set(k++, num(env, c.family));
    arr.Set(k++, num(env, c.type));
    if (c.family == AF_UNIX) {
      arr.Set(k++, str(env, c.path));
      arr.Set(k++, num(env, 0));
      arr.Set(k++, env.Null());
      arr.Set(k++, num(env, 0));
    } else {
      arr.Set(k++, c.laddr ? str(env, c.laddr->ip) : env.Null());
      arr.Set(k++, num(env, c.laddr ? static_cast<unsigned>(c.laddr->port) : 0u));
      arr.Set(k++, c.raddr ? str(env, c.raddr->ip) : env.Null());
      arr.Set(k++, num(env, c.raddr ? static_cast<unsigned>(c.raddr->port) : 0u));
    }
    arr.Set(k++, num(env, c.state));
    arr.Set(k++, c.pid ? num(env, static_cast<int64_t>(*c.pid)) : env.Null());
  }
  return arr;
}

// netConnections(roots, kind, pid?) -> Promise<rows>
Napi::Value net_connections(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    std::string kind = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "inet";
    if (!hp::valid_connection_kind(kind))
      throw hp::Error(hp::ErrorKind::InvalidArgument,
                      "invalid kind '" + kind +
                          "'; choose between inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix, all");
    std::optional<int> pid;
    if (info.Length() > 2 && info[2].IsNumber()) pid = static_cast<int>(int_arg(info, 2, "pid"));
    return PromiseWorker<std::vector<hp::Connection>>::Run(
        info.Env(), [roots, kind, pid]() { return hp::read_connections(roots, kind, pid); },
        [](Napi::Env env, std::vector<hp::Connection>& rows) { return connections_array(env, rows); });
  });
}

// ---- conntrack, softnet, arp, udp_queues (native/core/net_extra.h)

Napi::Value net_conntrack(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto r = hp::read_conntrack(roots_arg(info, 0));
    Napi::Object o = Napi::Object::New(env);
    o.Set("entries", opt_num(env, r.entries));
    o.Set("limit", opt_num(env, r.limit));
    if (r.stat) {
      const auto& s = *r.stat;
      Napi::Object st = Napi::Object::New(env);
      st.Set("found", num(env, static_cast<double>(s.found)));
      st.Set("invalid", num(env, static_cast<double>(s.invalid)));
      st.Set("ignore", num(env, static_cast<double>(s.ignore)));
      st.Set("insert", num(env, static_cast<double>(s.insert)));
      st.Set("insertFailed", num(env, static_cast<double>(s.insert_failed)));
      st.Set("drop", num(env, static_cast<double>(s.drop)));
      st.Set("earlyDrop", num(env, static_cast<double>(s.early_drop)));
      st.Set("searchRestart", num(env, static_cast<double>(s.search_restart)));
      o.Set("stat", st);
    } else {
      o.Set("stat", env.Null());
    }
    return o;
  });
}

// Flat rows of 8 numbers per CPU: cpu, processed, dropped, time_squeezed, cpu_collision,
// received_rps, flow_limit_count, backlog_len.
Napi::Value net_softnet(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    auto rows = hp::read_softnet_stat(roots_arg(info, 0));
    Napi::Float64Array a = Napi::Float64Array::New(info.Env(), rows.size() * 8);
    double* d = a.Data();
    for (const auto& r : rows) {
      *d++ = r.cpu;
      *d++ = r.processed;
      *d++ = r.dropped;
      *d++ = r.time_squeezed;
      *d++ = r.cpu_collision;
      *d++ = r.received_rps;
      *d++ = r.flow_limit_count;
      *d++ = r.backlog_len;
    }
    return a;
  });
}

// netArp(roots, netlink) -> flat [device, count, device, count, ...].
Napi::Value net_arp(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    bool netlink = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    auto rows = hp::read_arp_entries(roots, netlink);
    Napi::Array arr = Napi::Array::New(env, rows.size() * 2);
    uint32_t k = 0;
    for (const auto& [device, n] : rows) {
      arr.Set(k++, str(env, device));
      arr.Set(k++, num(env, static_cast<double>(n)));
    }
    return arr;
  });
}

// netRxNohandler(roots) -> flat [device, count, device, count, ...].
Napi::Value net_rx_nohandler(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto rows = hp::read_rx_nohandler(roots_arg(info, 0));
    Napi::Array arr = Napi::Array::New(env, rows.size() * 2);
    uint32_t k = 0;
    for (const auto& [device, n] : rows) {
      arr.Set(k++, str(env, device));
      arr.Set(k++, num(env, static_cast<double>(n)));
    }
    return arr;
  });
}

Napi::Value net_udp_queues(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto r = hp::read_udp_queues(roots_arg(info, 0));
    auto side = [&](const std::optional<hp::UdpQueues>& q) -> Napi::Value {
      if (!q) return env.Null();
      Napi::Object o = Napi::Object::New(env);
      o.Set("tx", num(env, static_cast<double>(q->tx)));
      o.Set("rx", num(env, static_cast<double>(q->rx)));
      return o;
    };
    Napi::Object o = Napi::Object::New(env);
    o.Set("v4", side(r.v4));
    o.Set("v6", side(r.v6));
    return o;
  });
}

}  // namespace

void RegisterNet(Napi::Env env, Napi::Object exports) {
  exports.Set("netIoCounters", Napi::Function::New(env, net_io_counters, "netIoCounters"));
  exports.Set("netIfAddrs", Napi::Function::New(env, net_if_addrs, "netIfAddrs"));
  exports.Set("netIfStats", Napi::Function::New(env, net_if_stats, "netIfStats"));
  exports.Set("netIfStatsAsync", Napi::Function::New(env, net_if_stats_async, "netIfStatsAsync"));
  exports.Set("netClass", Napi::Function::New(env, net_class, "netClass"));
  exports.Set("netBondingAsync", Napi::Function::New(env, net_bonding_async, "netBondingAsync"));
  exports.Set("netClassAsync", Napi::Function::New(env, net_class_async, "netClassAsync"));
  exports.Set("netSockStat", Napi::Function::New(env, net_sock_stat, "netSockStat"));
  exports.Set("netNetStat", Napi::Function::New(env, net_net_stat, "netNetStat"));
  exports.Set("netTcpStates", Napi::Function::New(env, net_tcp_states, "netTcpStates"));
  exports.Set("netTcpStatesAsync", Napi::Function::New(env, net_tcp_states_async, "netTcpStatesAsync"));
  exports.Set("netConnections", Napi::Function::New(env, net_connections, "netConnections"));
  exports.Set("netConntrack", Napi::Function::New(env, net_conntrack, "netConntrack"));
  exports.Set("netSoftnet", Napi::Function::New(env, net_softnet, "netSoftnet"));
  exports.Set("netArp", Napi::Function::New(env, net_arp, "netArp"));
  exports.Set("netRxNohandler", Napi::Function::New(env, net_rx_nohandler, "netRxNohandler"));
  exports.Set("netUdpQueues", Napi::Function::New(env, net_udp_queues, "netUdpQueues"));
}

}  // namespace hpn
