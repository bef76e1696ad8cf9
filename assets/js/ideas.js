// Votes on ideas without a reload. Every vote button is a plain form that
// works without this script; here it is sent in the background and the
// count and pressed state are updated in place.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-vote")) {
    return;
  }
  event.preventDefault();
  const button = form.querySelector("button");
  const on = form.querySelector('input[name="on"]');
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
    });
    const result = await response.json();
    if (!response.ok) {
      showError(form, result.error || response.statusText);
      return;
    }
    on.value = result.voted ? "0" : "1";
    button.setAttribute("aria-pressed", String(result.voted));
    button.classList.toggle("vote-mine", result.voted);
    // The button's name is its text: the words around the count are
    // there for screen readers, so changing the count renames it.
    button.querySelector(".vote-count").textContent = String(result.votes);
  } catch {
    form.submit(); // the network failed: fall back to the plain form
  } finally {
    button.disabled = false;
  }
});

function showError(form, message) {
  let note = form.querySelector(".field-error");
  if (!note) {
    note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    form.append(note);
  }
  note.textContent = message;
}
