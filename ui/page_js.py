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
# The timeline's overlay: the selected shot outlined on the timeline picture and, while the cut plays,
# a playhead, with the shot under it outlined instead (and its storyboard card marked). Runs on every
# change of the hidden `timeline-data` (see `ui.views.timeline_data`); the storyboard's cells take the
# project's aspect from it.
TIMELINE = """(data) => {
  const before = window.__shotcallerTimeline;
  if (data && data.project && (!before || before.project !== data.project))  // a project opened: the dialog's done
    document.querySelector('#new-dialog')?.classList.remove('shown');
  window.__shotcallerTimeline = data;
  const board = document.querySelector('#storyboard');
  if (board && data && data.aspect) board.style.setProperty('--frame-aspect', String(data.aspect));
  const place = (box, t0, t1) => {
    const d = window.__shotcallerTimeline, img = document.querySelector('#timeline img');
    if (!d || !d.duration || !img || !img.naturalWidth) { box.style.display = 'none'; return; }
    const host = img.parentElement, r = img.getBoundingClientRect(), hr = host.getBoundingClientRect();
    const scale = Math.min(r.width / img.naturalWidth, r.height / img.naturalHeight);
    const w = img.naturalWidth * scale, h = img.naturalHeight * scale;
    const left = r.left - hr.left + (r.width - w) / 2, top = r.top - hr.top + (r.height - h) / 2;
    const x = (t) => left + w * (d.pad + (1 - 2 * d.pad) * t / d.duration);
    box.style.left = x(t0) + 'px'; box.style.width = Math.max(2, x(t1) - x(t0)) + 'px';
    box.style.top = (top + h * d.band[0] - 3) + 'px'; box.style.height = (h * (d.band[1] - d.band[0]) + 6) + 'px';
    box.style.display = 'block';
  };
  const overlay = (id, css) => {
    const img = document.querySelector('#timeline img');
    if (!img) return null;
    const host = img.parentElement;
    let el = host.querySelector('#' + id);
    if (!el) {
      el = document.createElement('div'); el.id = id; el.style.cssText = css;
      host.style.position = 'relative'; host.appendChild(el);
    }
    return el;
  };
  window.__shotcallerMark = (n, t) => {
    const d = window.__shotcallerTimeline;
    const sel = overlay('timeline-selected', 'position:absolute;border:3px solid #fff;border-radius:3px;' +
                        'pointer-events:none;box-shadow:0 0 6px #000;display:none');
    const head = overlay('timeline-playhead', 'position:absolute;width:2px;background:#ffd34d;pointer-events:none;display:none');
    if (!sel || !d || !d.shots) return;
    if (n && d.shots[n - 1]) { place(sel, d.shots[n - 1][0], d.shots[n - 1][1]); sel.dataset.shot = n; }
    else { sel.style.display = 'none'; sel.dataset.shot = ''; }
    // the shot marked (selected, or playing) in every view: its table row and its storyboard card, by a rule
    // (the table and the gallery redraw their rows and cards; a rule outlives them)
    let style = document.querySelector('#shotcaller-marked');
    if (!style) { style = document.createElement('style'); style.id = 'shotcaller-marked'; document.head.appendChild(style); }
    const css = n ? `#shot-table [data-row="${n - 1}"][data-col] {background: rgba(255, 211, 77, .28) !important}
      #storyboard .thumbnail-item[aria-label^="Thumbnail ${n} of"] {outline: 3px solid #ffd34d; outline-offset: -3px}` : '';
    if (style.textContent !== css) style.textContent = css;  // a new rule restyles the page: only when it changes
    if ((document.body.dataset.markedShot || '') !== String(n || '')) document.body.dataset.markedShot = n || '';
    if (t === undefined || t === null) { head.style.display = 'none'; return; }
    place(head, t, t); head.style.width = '2px';
    document.querySelectorAll('#storyboard .thumbnail-item').forEach((card, i) =>
      card.classList.toggle('playing', i === n - 1));
  };
  if (!window.__shotcallerFollow) {  // media events do not bubble, but a capturing listener sees them
    window.__shotcallerFollow = true;
    const follow = (e) => {
      const d = window.__shotcallerTimeline, video = e.target;
      if (!d || !d.shots || !video.closest || !video.closest('#cut')) return;
      if (e.type === 'pause' || e.type === 'ended') { window.__shotcallerMark(d.selected); return; }
      const t = video.currentTime, i = d.shots.findIndex(s => s[0] <= t && t < s[1]);
      window.__shotcallerMark(i >= 0 ? i + 1 : null, t);
    };
    for (const type of ['timeupdate', 'seeked', 'pause', 'ended']) document.addEventListener(type, follow, true);
  }
  const img = document.querySelector('#timeline img');
  const draw = () => window.__shotcallerMark(data ? data.selected : null);
  if (img && !img.complete) img.addEventListener('load', draw, {once: true}); else draw();
  if (!window.__shotcallerResize) {
    window.__shotcallerResize = true;
    window.addEventListener('resize', () => window.__shotcallerMark((window.__shotcallerTimeline || {}).selected));
  }
}"""
# "Play from the selected shot": the cut (or the animatic) from the start of the selected shot.
PLAY_FROM = """(data) => {
  const video = document.querySelector('#cut video');
  if (!video || !data || !data.shots || !data.selected) return data;
  video.currentTime = data.shots[data.selected - 1][0];
  video.play();
  return data;
}"""
# The project bar's "New…": opens the new-project dialog (its uploads and its Create button).
OPEN_NEW_DIALOG = """() => {
  const dialog = document.querySelector('#new-dialog');
  if (!dialog) return;
  dialog.classList.add('shown');
  const toggle = dialog.querySelector('button.label-wrap, .label-wrap');
  if (toggle && !dialog.querySelector('#new-project')?.offsetParent) toggle.click();
}"""
# The storyboard's drag and drop: a card dropped on the left half of another goes before it, on the right
# half after it. The drop is handed to the server through the hidden "storyboard-drop" button, whose event
# reads it back with DROPPED (one MoveShot there: one version, the selection follows the shot).
STORYBOARD_DRAG = """() => {
  if (window.__shotcallerDrag) return;
  window.__shotcallerDrag = true;
  const cards = () => [...document.querySelectorAll('#storyboard .thumbnail-item')];
  const card = (e) => e.target && e.target.closest ? e.target.closest('#storyboard .thumbnail-item') : null;
  const after = (el, e) => { const r = el.getBoundingClientRect(); return e.clientX > r.left + r.width / 2; };
  const clear = () => document.querySelectorAll('#storyboard .drop-before, #storyboard .drop-after, #storyboard .dragging')
    .forEach(c => c.classList.remove('drop-before', 'drop-after', 'dragging'));
  let from = 0;
  document.addEventListener('pointerdown', (e) => { const c = card(e); if (c) c.draggable = true; }, true);
  document.addEventListener('dragstart', (e) => {
    const c = card(e);
    if (!c) return;
    from = cards().indexOf(c) + 1;
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', 'shot ' + from);
    c.classList.add('dragging');
  }, true);
  document.addEventListener('dragover', (e) => {
    const c = card(e);
    if (!c || !from) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    document.querySelectorAll('#storyboard .drop-before, #storyboard .drop-after')
      .forEach(x => x.classList.remove('drop-before', 'drop-after'));
    c.classList.add(after(c, e) ? 'drop-after' : 'drop-before');
  }, true);
  document.addEventListener('drop', (e) => {
    const c = card(e);
    if (!c || !from) return;
    e.preventDefault();
    window.__shotcallerDropped = JSON.stringify({shot: from, to: cards().indexOf(c) + 1, after: after(c, e)});
    from = 0;
    clear();
    document.querySelector('#storyboard-drop')?.click();
  }, true);
  document.addEventListener('dragend', () => { from = 0; clear(); }, true);
}"""
DROPPED = """(value) => { const v = window.__shotcallerDropped || ''; window.__shotcallerDropped = ''; return v; }"""
