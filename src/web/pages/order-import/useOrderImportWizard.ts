/**
 * The order import wizard's state and the API calls that move it on: upload (preview and suggested mapping) →
 * mapping → validate (nothing written) → run → result. The reducer is plain (test/web/order-import-mapping.test.ts);
 * validating and running answer at once (an order file is read in the request, as POST /orders/import always did).
 */
import { useReducer } from 'react';
import { orderImportApi, type OrderImportSummary, type OrderImportUpload, type OrderValidation } from '../../api.ts';
import { missingTargets, orderMappingFrom, toOrderProfile, type OrderMapping } from './order-mapping.ts';

export type OrderWizardBusy = 'upload' | 'validate' | 'run' | null;

export interface OrderWizardState {
  file: File | null;
  upload: OrderImportUpload | null;
  mapping: OrderMapping | null;
  busy: OrderWizardBusy;
  /** The last validation, and whether the mapping changed since. */
  validation: { report: OrderValidation; stale: boolean } | null;
  summary: OrderImportSummary | null;
  error: unknown;
}

export const INITIAL_ORDER_WIZARD: OrderWizardState = { file: null, upload: null, mapping: null, busy: null, validation: null, summary: null, error: null };

export type OrderWizardAction =
  | { type: 'file'; file: File | null }
  | { type: 'busy'; busy: OrderWizardBusy }
  | { type: 'uploaded'; upload: OrderImportUpload }
  | { type: 'previewed'; preview: Pick<OrderImportUpload, 'preview' | 'suggestion'> }
  | { type: 'mapping'; mapping: OrderMapping }
  | { type: 'validated'; report: OrderValidation }
  | { type: 'ran'; summary: OrderImportSummary }
  | { type: 'failed'; error: unknown }
  | { type: 'reset' };

export function orderWizardReducer(state: OrderWizardState, action: OrderWizardAction): OrderWizardState {
  switch (action.type) {
    case 'file':
      return { ...state, file: action.file };
    case 'busy':
      return { ...state, busy: action.busy, ...(action.busy ? { error: null } : {}) };
    case 'uploaded':
      return { ...state, upload: action.upload, mapping: orderMappingFrom(action.upload.fileName, action.upload), validation: null, summary: null };
    case 'previewed': {
      // Another header line: other columns, so the mapping starts again from their suggestion; the source, encoding
      // and channel typed in stay.
      if (!state.upload) return state;
      const upload = { ...state.upload, ...action.preview };
      return { ...state, upload, mapping: orderMappingFrom(upload.fileName, upload, state.mapping ?? undefined), validation: null };
    }
    case 'mapping':
      return { ...state, mapping: action.mapping, validation: state.validation && { ...state.validation, stale: true } };
    case 'validated':
      return { ...state, validation: { report: action.report, stale: false } };
    case 'ran':
      return { ...state, summary: action.summary, validation: null };
    case 'failed':
      return { ...state, error: action.error };
    case 'reset':
      return INITIAL_ORDER_WIZARD;
  }
}

export function useOrderImportWizard(onImported?: () => void) {
  const [state, dispatch] = useReducer(orderWizardReducer, INITIAL_ORDER_WIZARD);
  const { file, upload, mapping } = state;

  /** Runs one step: busy while it runs, its error kept for the page (every reason the API gave is shown). */
  const step = async (busy: Exclude<OrderWizardBusy, null>, work: () => Promise<void>) => {
    dispatch({ type: 'busy', busy });
    try {
      await work();
    } catch (error) {
      dispatch({ type: 'failed', error });
    } finally {
      dispatch({ type: 'busy', busy: null });
    }
  };

  return {
    state,
    missing: upload && mapping ? missingTargets(mapping, upload.suggestion.targets) : [],
    chooseFile: (next: File | null) => dispatch({ type: 'file', file: next }),
    setMapping: (next: OrderMapping) => dispatch({ type: 'mapping', mapping: next }),
    reset: () => dispatch({ type: 'reset' }),
    submitUpload: async () => {
      if (file) await step('upload', async () => dispatch({ type: 'uploaded', upload: await orderImportApi.upload(file) }));
    },
    setHeaderRow: async (headerRow: number | null) => {
      if (upload) await step('upload', async () => dispatch({ type: 'previewed', preview: await orderImportApi.preview(upload.uploadId, headerRow) }));
    },
    validate: async () => {
      if (upload && mapping) await step('validate', async () => dispatch({ type: 'validated', report: await orderImportApi.validate(upload.uploadId, toOrderProfile(mapping)) }));
    },
    run: async () => {
      if (!upload || !mapping) return;
      await step('run', async () => {
        dispatch({ type: 'ran', summary: await orderImportApi.run(upload.uploadId, toOrderProfile(mapping)) });
        onImported?.();
      });
    },
  };
}

export type OrderImportWizard = ReturnType<typeof useOrderImportWizard>;
