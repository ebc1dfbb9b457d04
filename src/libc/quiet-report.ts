// Loaded before ffi-rs. ffi-rs's loader asks Node for a diagnostic report to tell glibc from musl,
// and by default that report lists the network interfaces, which costs a netlink socket (socket,
// bind, getsockname, sendto, close) that netsys never shows. Leaving the network out of the report
// keeps netsys's process to the calls it prints, so strace and `strace -c` see only those.
// (Node has had the setting since 20.13, and an older one ignores it; @types/node 20 does not declare it.)
(process.report as NodeJS.ProcessReport & { excludeNetwork: boolean }).excludeNetwork = true;
