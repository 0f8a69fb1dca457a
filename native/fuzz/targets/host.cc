// utmp records, os-release, /proc/sys/fs/file-nr, /proc/pressure/*, /proc/uptime.
#include "host.h"
#include "../fuzz.h"

using namespace hp;
using hp::fuzz::finite_nonneg;
using hp::fuzz::no_nul;

HP_FUZZ_TARGET(utmp) {
  for (const auto& u : parse_utmp(input)) {
    HP_FUZZ_CHECK(no_nul(u.name));  // a fixed-width C string; psutil lists an empty one too
    HP_FUZZ_CHECK(no_nul(u.host));
    HP_FUZZ_CHECK(!u.terminal || fuzz::name_ok(*u.terminal));
    HP_FUZZ_CHECK(std::isfinite(u.started));
  }
}

HP_FUZZ_TARGET(os_release) {
  OsRelease r = parse_os_release(input);
  for (const auto* f : {&r.id, &r.id_like, &r.name, &r.pretty_name, &r.version, &r.version_id, &r.version_codename,
                        &r.build_id, &r.variant, &r.variant_id, &r.image_id, &r.image_version})
    if (*f) HP_FUZZ_CHECK(f->value().find('\n') == std::string::npos);
  std::string v = unquote_shell_value(input);
  HP_FUZZ_CHECK(v.size() <= input.size());
}

HP_FUZZ_TARGET(file_nr) {
  const std::string path = "/proc/sys/fs/file-nr";
  fuzz::returns([&] { parse_file_nr(input, path); }, ErrorKind::Parse, &path);
}

HP_FUZZ_TARGET(psi) {
  const std::string path = "/proc/pressure/io";
  PsiResource r;
  if (!fuzz::returns([&] { r = parse_psi(input, path); }, ErrorKind::Parse, &path)) return;
  for (const auto* l : {&r.some, &r.full})
    if (*l) {
      HP_FUZZ_CHECK(fuzz::percent((*l)->avg10));
      HP_FUZZ_CHECK(fuzz::percent((*l)->avg60));
      HP_FUZZ_CHECK(fuzz::percent((*l)->avg300));
    }
}

HP_FUZZ_TARGET(uptime) {
  const std::string path = "/proc/uptime";
  double up = 0;
  if (fuzz::returns([&] { up = parse_uptime(input, path); }, ErrorKind::Parse, &path)) HP_FUZZ_CHECK(finite_nonneg(up));
}
