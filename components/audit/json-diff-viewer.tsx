'use client';

import { useSyncExternalStore } from 'react';
import ReactDiffViewer, { DiffMethod, type ReactDiffViewerStylesOverride } from 'react-diff-viewer-continued';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToScheme(onChange: () => void) {
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}

/** Follows the system colour scheme live, as Tailwind's `dark:` variant does. */
function usePrefersDark(): boolean {
  return useSyncExternalStore(
    subscribeToScheme,
    () => window.matchMedia(DARK_QUERY).matches,
    () => false,
  );
}

// Match the sheet's zinc surfaces instead of the library's blue-grey dark palette.
const STYLES: ReactDiffViewerStylesOverride = {
  variables: {
    dark: {
      diffViewerBackground: '#09090b',
      diffViewerTitleBackground: '#18181b',
      diffViewerTitleBorderColor: '#27272a',
      gutterBackground: '#111113',
      gutterBackgroundDark: '#0c0c0e',
      emptyLineBackground: '#18181b',
      codeFoldBackground: '#18181b',
      codeFoldGutterBackground: '#18181b',
    },
  },
  // The library assumes a 1000px-wide page; the sheet is narrower, so let the table fit it instead.
  diffContainer: { minWidth: 0 },
};

type JsonDiffViewerProps = { before: string; after: string; splitView: boolean };

/**
 * react-diff-viewer-continued over two pretty-printed JSON texts. Client-only: the library is a class
 * component and injects its styles at runtime. `disableWorker` diffs on the main thread, so no blob:
 * worker (and no CSP `worker-src` exception) is needed; snapshots are small.
 */
export function JsonDiffViewer({ before, after, splitView }: JsonDiffViewerProps) {
  const dark = usePrefersDark();
  return (
    <ReactDiffViewer
      oldValue={before}
      newValue={after}
      splitView={splitView}
      compareMethod={DiffMethod.WORDS}
      leftTitle={splitView ? 'Before' : 'Before → after'}
      rightTitle={splitView ? 'After' : undefined}
      useDarkTheme={dark}
      styles={STYLES}
      disableWorker
      hideSummary
      extraLinesSurroundingDiff={3}
    />
  );
}
