# Sourced by scripts/image/*.sh: the container tools' settings for this project, scoped to
# the calling script through the environment (the machine's global configuration is left
# alone). On the CI machine the vfs storage driver is the one that works, and crun refuses
# the VM's cgroup v1 hybrid layout while runc runs.
#   HOSTPROBE_STORAGE_DRIVER  storage driver (default vfs)
#   HOSTPROBE_OCI_RUNTIME     OCI runtime (default runc)
export STORAGE_DRIVER="${HOSTPROBE_STORAGE_DRIVER:-vfs}"
export BUILDAH_RUNTIME="${HOSTPROBE_OCI_RUNTIME:-runc}"
export BUILDAH_ISOLATION="${BUILDAH_ISOLATION:-oci}"
# Not every command honours the variables above (buildah ignores STORAGE_DRIVER), so the
# scripts pass the same settings as flags.
HOSTPROBE_PODMAN=(podman --storage-driver "$STORAGE_DRIVER" --runtime "$BUILDAH_RUNTIME")
HOSTPROBE_BUILDAH=(buildah --storage-driver "$STORAGE_DRIVER")
# The file-descriptor and process limits given to containers: podman's defaults exceed
# the hard limits of some machines (1048576 files), so ask for at most the hard limit.
# nproc is also capped at 32768: on the CI VM runc could not set 48000 although
# `ulimit -Hu` said 96370 (EPERM on RLIMIT_NPROC), and 32768 worked.
hostprobe_ulimits() {
  local nofile nproc
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  [ "$nofile" = unlimited ] && nofile=65536
  [ "$nproc" = unlimited ] && nproc=65536
  [ "$nofile" -gt 65536 ] && nofile=65536
  [ "$nproc" -gt 32768 ] && nproc=32768
  echo "--ulimit=nofile=$nofile:$nofile --ulimit=nproc=$nproc:$nproc"
}
