// Loaded just before ffi-rs. ffi-rs's loader asks Node for a whole diagnostic report only to tell
// glibc from musl, and that report costs about 6 ms of start-up and, by default, a netlink socket
// (socket, bind, getsockname, sendto, close) that netsys would never show. netsys runs on glibc only
// (see the README), so it answers that one question itself while ffi-rs loads, and puts Node's own
// getReport back at once (restoreReport, called by ffi.ts right after the import).
const getReport = process.report.getReport.bind(process.report);
(process.report as { getReport: () => unknown }).getReport = () => ({ header: { glibcVersionRuntime: 'glibc' } });

export function restoreReport(): void {
  process.report.getReport = getReport;
}
