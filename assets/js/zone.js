// Tells the server this browser's time zone, so that someone who has not
// chosen one in their settings sees event times in their own zone. The
// zone is looked up once per browser session (the tzchecked cookie ends
// with the session, so a traveller's new zone is found after a restart),
// and the tz cookie written only when it is missing or out of date;
// nothing reloads, the next page uses it. Without this script, times are
// shown in each event's own zone.
(() => {
  const cookies = document.cookie.split("; ");
  if (cookies.includes("tzchecked=1")) {
    return; // looked up already in this session
  }
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return; // no Intl: leave the cookie as it is
  }
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const value = encodeURIComponent(zone);
  if (zone && !cookies.includes("tz=" + value)) {
    document.cookie = `tz=${value}; path=/; max-age=31536000; SameSite=Lax${secure}`;
  }
  document.cookie = `tzchecked=1; path=/; SameSite=Lax${secure}`;
})();
