/**
 * Buttons in the app's one style (styles.css `.btn`): a variant, a size, and `type="button"` unless said otherwise,
 * so a button inside a form never submits it by accident. LinkButton is a link that looks like one.
 */
import type { AnchorHTMLAttributes, ButtonHTMLAttributes, ReactNode } from 'react';
import { Link } from '../router.ts';

export type ButtonVariant = 'default' | 'primary' | 'danger' | 'danger-outline' | 'ghost' | 'link';

export interface ButtonLook {
  variant?: ButtonVariant;
  small?: boolean;
  /** Full width (the sign-in form, "load more" under a timeline). */
  block?: boolean;
  className?: string | undefined;
}

/** 「btn btn-primary btn-small」: the classes of a look; `className` adds the caller's own (e.g. lang-toggle). */
export function buttonClass({ variant = 'default', small = false, block = false, className }: ButtonLook = {}): string {
  return ['btn', variant !== 'default' && `btn-${variant}`, small && 'btn-small', block && 'btn-block', className].filter(Boolean).join(' ');
}

type DataAttributes = { [data: `data-${string}`]: string | number | boolean | undefined };

export type ButtonProps = ButtonLook & Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'className'> & DataAttributes & { children?: ReactNode };

export function Button({ variant, small, block, className, type = 'button', ...rest }: ButtonProps) {
  return <button type={type} className={buttonClass({ variant, small, block, className })} {...rest} />;
}

type LinkButtonProps = ButtonLook & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'className' | 'href'> & DataAttributes & {
  children?: ReactNode;
} & ({ to: string; href?: never } | { href: string; to?: never });

/** `to`: a page of the app (through the router); `href`: anything else (a download, another site). */
export function LinkButton({ variant, small, block, className, to, href, ...rest }: LinkButtonProps) {
  const classes = buttonClass({ variant, small, block, className });
  if (to !== undefined) return <Link to={to} className={classes} {...rest} />;
  return <a href={href} className={classes} {...rest} />;
}
