/**
 * The import wizard's state as one reducer (tested in test/web/import-wizard-state.test.ts): the chosen file, the
 * upload and its mapping, what is running (upload, validation or import) and how far it is, the last validation and
 * whether the mapping changed since, the result and the error. useImportWizard.ts runs the API calls around it.
 */
import type { ImportJob, ImportPreview, ImportSummary, ImportUpload, ImportValidation, ImportValidationJob } from '../../api.ts';
import { mappingFrom, type Mapping } from './mapping.ts';

export type WizardBusy = 'upload' | 'validate' | 'run' | null;

export interface WizardState {
  file: File | null;
  upload: ImportUpload | null;
  mapping: Mapping | null;
  busy: WizardBusy;
  /** The last validation, and whether the mapping changed since (its figures are then those of other settings). */
  validation: { report: ImportValidation; stale: boolean } | null;
  /** The validation running in the background: its id (to stop it) and how far it has read. */
  validating: ImportValidationJob | null;
  /** The last validation was stopped by the user. */
  validationStopped: boolean;
  /** How far the running import is. */
  progress: ImportJob['progress'] | null;
  error: unknown;
  summary: ImportSummary | null;
}

export const INITIAL_WIZARD: WizardState = {
  file: null, upload: null, mapping: null, busy: null, validation: null, validating: null, validationStopped: false,
  progress: null, error: null, summary: null,
};

export type WizardAction =
  | { type: 'file'; file: File | null }
  | { type: 'mapping'; mapping: Mapping }
  | { type: 'reset' }
  | { type: 'uploadStarted' }
  | { type: 'uploaded'; upload: ImportUpload }
  | { type: 'previewed'; preview: ImportPreview }
  | { type: 'validateStarted' }
  | { type: 'validationProgress'; job: ImportValidationJob }
  | { type: 'validated'; report: ImportValidation }
  | { type: 'validationCancelled' }
  | { type: 'validationFailed'; error: unknown }
  | { type: 'validateEnded' }
  | { type: 'runStarted' }
  | { type: 'runProgress'; progress: ImportJob['progress'] }
  | { type: 'ran'; summary: ImportSummary }
  | { type: 'failed'; error: unknown }
  | { type: 'idle' };

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'file':
      return { ...state, file: action.file };
    case 'mapping':
      // A changed mapping keeps the last validation on screen, marked as no longer matching the settings.
      return { ...state, mapping: action.mapping, validation: state.validation && { ...state.validation, stale: true } };
    case 'reset':
      return { ...state, file: null, upload: null, mapping: null, summary: null, error: null, validation: null, validationStopped: false };
    case 'uploadStarted':
      return { ...state, busy: 'upload', error: null, summary: null };
    case 'uploaded':
      return { ...state, upload: action.upload, mapping: mappingFrom(action.upload), validation: null };
    case 'previewed': {
      // The header read from another line: other columns, so the mapping starts again from their suggestion; the
      // source name typed in stays, and the last validation no longer applies.
      if (!state.upload) return state;
      const upload = { ...state.upload, preview: action.preview };
      const fresh = mappingFrom(upload);
      return {
        ...state, upload, validation: null,
        mapping: { ...fresh, source: state.mapping?.source ?? fresh.source, encoding: state.mapping?.encoding ?? fresh.encoding, headerRow: action.preview.headerLine },
      };
    }
    case 'validateStarted':
      return { ...state, busy: 'validate', error: null, validationStopped: false };
    case 'validationProgress':
      return { ...state, validating: action.job };
    case 'validated':
      return { ...state, validation: { report: action.report, stale: false } };
    case 'validationCancelled':
      return { ...state, validation: null, validationStopped: true };
    case 'validationFailed':
      return { ...state, validation: null, error: action.error };
    case 'validateEnded':
      return { ...state, validating: null, busy: null };
    case 'runStarted':
      return { ...state, busy: 'run', error: null, progress: null };
    case 'runProgress':
      return { ...state, progress: action.progress };
    case 'ran':
      return { ...state, summary: action.summary };
    case 'failed':
      return { ...state, error: action.error };
    case 'idle':
      return { ...state, busy: null };
  }
}
