import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/app.css';
import { appStore } from './store';
import { attachPersistence } from './store/persistence';

const root = createRoot(document.getElementById('root')!);

// Render only after IndexedDB is read, so a reload never flashes an empty chat over saved ones.
attachPersistence(appStore)
  .catch((e) => console.warn('Could not open saved conversations; starting fresh.', e))
  .finally(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
