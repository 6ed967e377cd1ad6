/** The virtualised token list: a keyboard-navigable listbox that stays smooth at 10,000 rows. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import type { CredentialSummary } from '../../../shared/model.ts';
import { useNow } from '../../lib/use-now.ts';
import { TokenRow } from './token-row.tsx';

export const ROW_HEIGHT = 44;

export interface TokenListProps {
  items: CredentialSummary[];
  selected: string | null;
  onSelect: (name: string) => void;
}

export function TokenList({ items, selected, onSelect }: TokenListProps) {
  const now = useNow(1000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (index) => items[index]?.name ?? index,
  });
  const selectedIndex = selected ? items.findIndex((i) => i.name === selected) : -1;

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const move = useCallback(
    (to: number) => {
      if (items.length === 0) return;
      const clamped = Math.max(0, Math.min(items.length - 1, to));
      onSelect(items[clamped]!.name);
    },
    [items, onSelect],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(selectedIndex + 1),
      ArrowUp: () => move(selectedIndex < 0 ? 0 : selectedIndex - 1),
      PageDown: () => move(selectedIndex + page),
      PageUp: () => move(selectedIndex - page),
      Home: () => move(0),
      End: () => move(items.length - 1),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  return (
    <div className="list">
      <div className="list-head" aria-hidden="true">
        <span className="cell cell-name">Name</span>
        <span className="cell cell-hosts">Hosts</span>
        <span className="cell cell-scopes">Scopes</span>
        <span className="cell cell-expiry">Expires</span>
        <span className="cell cell-status">Status</span>
      </div>
      <div
        ref={scrollRef}
        className="list-scroll"
        role="listbox"
        tabIndex={0}
        aria-label={`Credentials, ${items.length} shown`}
        {...(selected && selectedIndex >= 0 ? { 'aria-activedescendant': `row-${selected}` } : {})}
        onKeyDown={onKeyDown}
      >
        <div className="list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = items[v.index]!;
            return (
              <TokenRow
                key={v.key}
                item={item}
                index={v.index}
                total={items.length}
                selected={item.name === selected}
                now={now}
                style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                onSelect={onSelect}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
