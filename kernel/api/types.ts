/**
 * The data types of the MidiShare API that both halves of the kernel use: slot
 * references, driver and slot descriptions, the synchronisation state, and the
 * callbacks of applications and drivers.
 *
 * Types only; nothing runs.
 *
 * @module
 */

/** A slot reference: the driver's refnum and the slot number. */
export interface SlotRefNum {
  /** Driver refnum. */
  drvRef: number;
  /** Slot number 0..63, or a negative error code. */
  slotRef: number;
}

/** What `MidiGetDriverInfos` returns. */
export interface DriverInfos {
  /** Driver name (31 characters at most). */
  name: string;
  /** Driver version, 16 bits (100 = 1.00). */
  version: number;
  /** Current number of slots. */
  slots: number;
}

/** What `MidiGetSlotInfos` returns. */
export interface SlotInfos {
  /** The slot's name. */
  name: string;
  /** 1 input, 2 output, 3 both. */
  direction: number;
  /** 32 bytes: bit p set when port p is connected. */
  cnx: Uint8Array;
}

/** What `MidiGetSyncInfo` returns. */
export interface SyncInfo {
  /** Current time. */
  time: number;
  /** Always 0. */
  reenter: number;
  /** The sync mode word. */
  syncMode: number;
  /** 1 while locked to external time code. */
  syncLocked: number;
  /** The port in use. */
  syncPort: number;
  /** Date of the last lock, 0 if never. */
  syncStart: number;
  /** Date of the last loss of lock, 0 if never. */
  syncStop: number;
  /** External minus internal time, 0 if never locked. */
  syncOffset: number;
  /** Implementation value, 0 when unused. */
  syncSpeed: number;
  /** Number of lock losses. */
  syncBreaks: number;
  /** Detected SMPTE format 0..3, 0 if never locked. */
  syncFormat: number;
}

/** Receive alarm. */
export type RcvAlarm = (refNum: number) => void;

/** Application alarm. */
export type ApplAlarm = (refNum: number, code: number) => void;

/** Driver callbacks. */
export interface TDriverOperation {
  /** Called when MidiShare wakes up, or at registration while awake. */
  wakeup?: (refNum: number) => void;
  /** Called when MidiShare goes to sleep, or at unregistration while awake. */
  sleep?: (refNum: number) => void;
}

/** Driver identity given to `MidiRegisterDriver`. */
export interface TDriverInfos {
  /** Driver name (31 characters kept). */
  name: string;
  /** Version, 16 bits (100 = 1.00). */
  version: number;
  /** Ignored at registration; filled by `MidiGetDriverInfos`. */
  slots?: number;
}
