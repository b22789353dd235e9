// The settings page's voice part: which voice, how fast, and the chime, kept in this browser
// (the same localStorage keys the player reads, through voice.js and chime.js).
const VERSION = new URL(import.meta.url).search;
const [{ Voice, NO_VOICE, RATE_DEFAULT }, { Chime, chimeEnabled, setChimeEnabled }] = await Promise.all(
  [import(`./voice.js${VERSION}`), import(`./chime.js${VERSION}`)],
);

const $ = (id) => document.getElementById(id);

async function main() {
  const status = $("vs-status");
  if (!status) return;
  const chime = $("vs-chime");
  chime.checked = chimeEnabled();
  chime.addEventListener("change", () => {
    setChimeEnabled(chime.checked);
    if (chime.checked) new Chime().play("hold");
  });

  const voice = await new Voice().ready;
  if (!voice.available) {
    status.textContent = `${NO_VOICE}. The player shows every cue on screen instead.`;
    status.dataset.voice = "none";
    return;
  }
  status.dataset.voice = "available";
  status.textContent = `${voice.voices.length} voice${voice.voices.length === 1 ? "" : "s"} on this device.`;
  const select = $("vs-voice");
  for (const v of voice.voices) {
    const option = document.createElement("option");
    option.value = v.name;
    option.textContent = `${v.name}${v.lang ? ` (${v.lang})` : ""}`;
    select.append(option);
  }
  select.value = voice.voices.some((v) => v.name === voice.voiceName) ? voice.voiceName : "";
  select.disabled = false;
  select.addEventListener("change", () => { voice.voiceName = select.value; });

  const rate = $("vs-rate");
  const shown = $("vs-rate-value");
  rate.value = String(voice.rate || RATE_DEFAULT);
  shown.textContent = Number(rate.value).toFixed(2);
  rate.disabled = false;
  rate.addEventListener("input", () => {
    voice.rate = Number(rate.value);
    shown.textContent = Number(rate.value).toFixed(2);
  });

  const test = $("vs-test");
  test.disabled = false;
  test.addEventListener("click", () => {
    voice.cancel();
    voice.say("Breathe in, and slowly out.", true);
  });
}

main();
