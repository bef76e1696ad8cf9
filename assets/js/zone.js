// Tells the server this browser's time zone, so that someone who has not
// chosen one in their settings sees event times in their own zone. The tz
// cookie is written only when it is missing or out of date; nothing
// reloads, the next page uses it. Without this script, times are shown
// in each event's own zone.
(() => {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return; // no Intl: leave the cookie as it is
  }
  const value = encodeURIComponent(zone);
  if (!zone || document.cookie.split("; ").includes("tz=" + value)) {
    return;
  }
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `tz=${value}; path=/; max-age=31536000; SameSite=Lax${secure}`;
})();
