// The tabs: keyboard-navigable, the open one kept in the URL, each loading its data the first time it is shown.

const tabs = [...document.querySelectorAll('[role="tab"]')];
const opened = new Set();
/** What a tab loads the first time it is shown, by panel id; set by the tab's module. */
export const onFirstShow = {};
/** What a tab does each time it is shown, by panel id. */
export const onShow = {};

function select(tab, focus) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
  const panel = tab.getAttribute('aria-controls');
  history.replaceState(null, '', `#${panel}`);
  if (!opened.has(panel)) {
    opened.add(panel);
    onFirstShow[panel]?.();
  }
  onShow[panel]?.();
}

export function setupTabs() {
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', e => {
      const i = tabs.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
  const fromHash = tabs.find(t => `#${t.getAttribute('aria-controls')}` === location.hash);
  select(fromHash || tabs[0], false);
}
