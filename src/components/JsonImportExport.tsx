import { Download, Upload } from 'lucide-react';
import { useRef, useState } from 'react';
import { IconButton } from './IconButton';

interface Props {
  /** Accessible name of the hidden file input, e.g. "Import tools file". */
  inputLabel: string;
  fileName: () => string;
  exportText: () => string;
  /** Loads the picked file's text; returns an error message or null. */
  importText: (text: string) => string | null;
  /** What the file holds, for the size message ("a tool set"). */
  what: string;
  maxBytes: number;
  /** Icon-only buttons (named "Export" and "Import" all the same), for tight rows. */
  compact?: boolean;
}

/** Export and Import buttons for a JSON file, with the import error shown in place. */
export function JsonImportExport({
  inputLabel,
  fileName,
  exportText,
  importText,
  what,
  maxBytes,
  compact = false,
}: Props) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const download = () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([exportText()], { type: 'application/json' }));
    link.download = fileName();
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  };

  const upload = async (file: File | undefined) => {
    if (!file) return;
    // Refused before reading: an export is tiny, a huge file is a mistake that would freeze the tab.
    setError(
      file.size > maxBytes
        ? `That file is ${(file.size / 1e6).toFixed(1)} MB; ${what} is far smaller than ${maxBytes / 1e6} MB.`
        : importText(await file.text()),
    );
    if (fileRef.current) fileRef.current.value = '';
  };

  return (
    <>
      <IconButton
        label="Export"
        text={compact ? undefined : 'Export'}
        icon={Download}
        variant={compact ? 'ghost' : 'secondary'}
        title={`Save ${what} as a JSON file`}
        onClick={download}
      />
      <IconButton
        label="Import"
        text={compact ? undefined : 'Import'}
        icon={Upload}
        variant={compact ? 'ghost' : 'secondary'}
        title={`Load ${what} from a JSON file`}
        onClick={() => fileRef.current?.click()}
      />
      <input
        ref={fileRef}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label={inputLabel}
        onChange={(e) => void upload(e.target.files?.[0])}
      />
      {error && (
        <p className="field-error import-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
