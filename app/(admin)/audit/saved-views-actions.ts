'use server';

import { runAuthedAction } from '@/lib/recording/authed-action';
import type { ActionResult } from '@/lib/recording/operation';
import {
  createSavedViewOperation,
  deleteSavedViewOperation,
  renameSavedViewOperation,
  shareSavedViewOperation,
  type SavedViewData,
} from '@/lib/operations/saved-views';

type SavedViewResult = ActionResult<SavedViewData>;

export async function createSavedViewAction(_prev: SavedViewResult | null, form: FormData): Promise<SavedViewResult> {
  return runAuthedAction(createSavedViewOperation, form, ['/audit']);
}

export async function renameSavedViewAction(_prev: SavedViewResult | null, form: FormData): Promise<SavedViewResult> {
  return runAuthedAction(renameSavedViewOperation, form, ['/audit']);
}

export async function shareSavedViewAction(_prev: SavedViewResult | null, form: FormData): Promise<SavedViewResult> {
  return runAuthedAction(shareSavedViewOperation, form, ['/audit']);
}

export async function deleteSavedViewAction(_prev: SavedViewResult | null, form: FormData): Promise<SavedViewResult> {
  return runAuthedAction(deleteSavedViewOperation, form, ['/audit']);
}
