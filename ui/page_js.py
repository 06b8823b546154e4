"""The studio's few page scripts (Gradio runs each as an event's `js`), kept apart from the wiring
that attaches them."""

SHOW_SHOT_LIST = """(signal) => {
  const tab = [...document.querySelectorAll('#tabs button[role="tab"]')].find(b => b.innerText.trim() === 'Shot list');
  if (signal && tab) tab.click();
}"""
# What the box held when Enter was pressed, kept at that moment: Gradio reads an event's input value
# later (after awaiting every input's state), when a quick typist may already have typed the next
# message, or the previous message's clearing may have emptied the box.
RECORD_ENTER = """() => {
  if (window.__shotcallerSent) return;
  window.__shotcallerSent = [];
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.target.closest && e.target.closest('#chat-input'))
      window.__shotcallerSent.push(e.target.value);
  }, true);
}"""
CLEAR_ON_SEND = """(text) => {
  const sent = (window.__shotcallerSent && window.__shotcallerSent.length) ? window.__shotcallerSent.shift() : text;
  const box = document.querySelector('#chat-input textarea');
  if (box && box.value === sent) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }
  return sent;
}"""
