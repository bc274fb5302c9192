/**
 * What a client keeps for each application or driver it opened: info, filter, alarms,
 * driver callbacks, the receive FIFO and the DTask list (spec §4.2, §7.3, §7.13).
 *
 * Runs on the client's thread. The FIFO and the DTask list are threaded through the
 * events' cells (word 0), so queueing is real-time safe.
 *
 * @module
 */

import { CellList } from "./cell_list.ts";
import type { FilterHandle } from "./filter_handle.ts";
import type { ApplAlarm, RcvAlarm, TDriverOperation } from "../api/types.ts";

let nextSerial = 1;

/** The client-side record of one refnum. */
export class ApplRecord {
  /** Tells this record from a later one of the same refnum. */
  readonly serial: number = nextSerial++;
  /** The refnum. */
  readonly refNum: number;
  /** Whether it is a driver. */
  readonly isDriver: boolean;
  /** Driver callbacks (empty for applications). */
  readonly ops: TDriverOperation;
  /** `MidiSetInfo` value. */
  info: unknown = null;
  /** Installed filter. */
  filter: FilterHandle | null = null;
  /** Receive alarm. */
  rcvAlarm: RcvAlarm | null = null;
  /** Application alarm. */
  applAlarm: ApplAlarm | null = null;
  /** Receive FIFO. */
  readonly fifo: CellList = new CellList();
  /** Ready DTasks. */
  readonly dtasks: CellList = new CellList();

  /** A record with no filter, no alarms, info null and empty lists. */
  constructor(refNum: number, isDriver: boolean, ops: TDriverOperation) {
    this.refNum = refNum;
    this.isDriver = isDriver;
    this.ops = ops;
  }
}
