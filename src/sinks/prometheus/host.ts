/** host → node_uname_info, node_time_*, node_os_*, node_filefd_*, node_entropy_*. */
import type { HostReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition } from './exposition.js';

/** node_exporter's os collector: the major.minor of VERSION_ID as a number (0 when none). */
export function osVersionNumber(versionId: string | undefined): number {
  const m = /^(\d+)(?:\.(\d+))?/.exec(versionId ?? '');
  if (!m) return 0;
  return Number(m[2] === undefined ? m[1] : `${m[1]}.${m[2]}`);
}

export function renderHost(r: HostReading, x: Exposition): void {
  const u = r.uname;
  if (u) {
    x.add(C.unameInfo, 1, {
      domainname: u.domainname,
      machine: u.machine,
      nodename: u.nodename,
      release: u.release,
      sysname: u.sysname,
      version: u.version,
    });
  }
  const t = r.time;
  if (t) {
    x.add(C.timeSeconds, t.nowSeconds);
    x.add(C.timeZoneOffset, t.timeZoneOffsetSeconds, { time_zone: t.timeZone });
    for (const cs of t.clocksources ?? []) {
      for (const a of cs.available) x.add(C.clocksourceAvailable, 1, { clocksource: a, device: cs.device });
      x.add(C.clocksourceCurrent, 1, { clocksource: cs.current, device: cs.device });
    }
  }
  const os = r.os;
  if (os) {
    x.add(C.osInfo, 1, {
      build_id: os.buildId ?? '',
      id: os.id ?? '',
      id_like: os.idLike ?? '',
      image_id: os.imageId ?? '',
      image_version: os.imageVersion ?? '',
      name: os.name ?? '',
      pretty_name: os.prettyName ?? '',
      variant: os.variant ?? '',
      variant_id: os.variantId ?? '',
      version: os.version ?? '',
      version_codename: os.versionCodename ?? '',
      version_id: os.versionId ?? '',
    });
    x.add(C.osVersion, osVersionNumber(os.versionId), { id: os.id ?? '', id_like: os.idLike ?? '', name: os.name ?? '' });
  }
  if (r.filefd) {
    x.add(C.filefdAllocated, r.filefd.allocated);
    x.add(C.filefdMaximum, r.filefd.maximum);
  }
  if (r.entropy) {
    x.add(C.entropyAvailable, r.entropy.availableBits);
    if (r.entropy.poolSizeBits !== undefined) x.add(C.entropyPoolSize, r.entropy.poolSizeBits);
  }
}
