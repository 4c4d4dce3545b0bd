import { Menu, PanelLeft, PanelLeftClose, PanelRight, PanelRightClose } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useMediaQuery, useStoredState } from '../components/hooks';
import { IconButton } from '../components/IconButton';
import { SidePanel } from '../components/SidePanel';
import { Tabs } from '../components/Tabs';
import { ChatView } from '../features/chat/ChatView';
import { ConversationList } from '../features/chat/ConversationList';
import { UndoDeleteToast } from '../features/chat/UndoDeleteToast';
import { loadFixtureEntries } from '../features/models/catalog';
import { ModelPanel } from '../features/models/ModelPanel';
import { appStore, useApp } from '../store';
import { WORKBENCH_TABS } from './workbench';

/** Below this width the chat takes the screen and the sides become drawers over it. */
const NARROW = '(max-width: 1099.98px)';

type Side = 'left' | 'right';

export function App() {
  const [draft, setDraft] = useState('');
  const [prefill, setPrefill] = useState<string | null>(null);
  const loaded = useApp((s) => s.models.loaded);
  const narrow = useMediaQuery(NARROW);
  // Wide screens: which sides are shown (remembered). Narrow screens: which drawer is open.
  const [leftShown, setLeftShown] = useStoredState('lfm2.layout.left', true);
  const [rightShown, setRightShown] = useStoredState('lfm2.layout.right', true);
  const [drawer, setDrawer] = useState<Side | null>(null);
  const [tab, setTab] = useStoredState('lfm2.layout.tab', WORKBENCH_TABS[0].id);
  const leftToggle = useRef<HTMLButtonElement>(null);
  const rightToggle = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const s = appStore.getState();
    void s.detectCapabilities();
    void loadFixtureEntries(new URL(import.meta.env.BASE_URL, location.origin).href).then(
      (entries) => {
        appStore.getState().addFixtures(entries);
      },
    );
    // No request to a model host until the user picks or loads a model.
  }, []);

  const open = (side: Side) =>
    narrow ? drawer === side : side === 'left' ? leftShown : rightShown;
  const toggle = (side: Side) => {
    if (narrow) setDrawer(drawer === side ? null : side);
    else if (side === 'left') setLeftShown(!leftShown);
    else setRightShown(!rightShown);
  };
  const close = useCallback(
    (side: Side) => {
      // Back to the button that opened it, unless the user is working elsewhere (the composer).
      const focus = document.activeElement;
      const inside =
        !focus ||
        focus === document.body ||
        document.getElementById(`side-${side}`)?.contains(focus);
      if (narrow) setDrawer(null);
      else if (side === 'left') setLeftShown(false);
      else setRightShown(false);
      if (inside) (side === 'left' ? leftToggle : rightToggle).current?.focus();
    },
    [narrow, setLeftShown, setRightShown],
  );
  const closeLeft = useCallback(() => close('left'), [close]);
  const closeRight = useCallback(() => close('right'), [close]);
  const toggleIcon = (side: Side) =>
    narrow
      ? side === 'left'
        ? Menu
        : PanelRight
      : side === 'left'
        ? open('left')
          ? PanelLeftClose
          : PanelLeft
        : open('right')
          ? PanelRightClose
          : PanelRight;

  return (
    <div
      className={[
        'app',
        narrow ? 'narrow' : 'wide',
        !narrow && !leftShown ? 'no-left' : '',
        !narrow && !rightShown ? 'no-right' : '',
      ]
        .filter(Boolean)
        .join(' ')}
    >
      <header className="topbar">
        <IconButton
          ref={leftToggle}
          label="Models and conversations"
          icon={toggleIcon('left')}
          aria-expanded={open('left')}
          aria-controls="side-left"
          onClick={() => toggle('left')}
        />
        <h1>LFM2 Playground</h1>
        {loaded ? (
          <span className="chip status-chip" data-testid="status-chip" title={loaded.repo}>
            {loaded.repo.split('/')[1]} · {loaded.device} · {loaded.dtype}
          </span>
        ) : (
          <span className="chip status-chip muted">no model loaded</span>
        )}
        <span className="spacer" />
        <IconButton
          ref={rightToggle}
          label="Workbench"
          icon={toggleIcon('right')}
          aria-expanded={open('right')}
          aria-controls="side-right"
          onClick={() => toggle('right')}
        />
      </header>
      <SidePanel
        id="side-left"
        side="left"
        label="Models and conversations"
        open={open('left')}
        drawer={narrow}
        onClose={closeLeft}
      >
        <ModelPanel />
        <ConversationList />
      </SidePanel>
      <ChatView draft={draft} setDraft={setDraft} prefill={prefill} setPrefill={setPrefill} />
      <SidePanel
        id="side-right"
        side="right"
        label="Workbench"
        open={open('right')}
        drawer={narrow}
        onClose={closeRight}
      >
        <Tabs
          label="Workbench"
          idPrefix="workbench"
          active={tab}
          onChange={setTab}
          tabs={WORKBENCH_TABS.map((t) => ({
            id: t.id,
            label: t.label,
            title: t.title,
            icon: t.icon,
            content: () => t.render({ draft, prefill }),
          }))}
        />
      </SidePanel>
      <UndoDeleteToast />
    </div>
  );
}
