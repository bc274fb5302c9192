/**
 * Every public constant of the MidiShare API, under its C name (spec §2).
 *
 * Pure data: safe to import from any thread.
 *
 * @module
 */

// ---- Event types (spec §2.1). Class in brackets: S small, V variable, P 4-slot, U none.

/** Note with pitch, velocity and duration [S, 3 fields]. */
export const typeNote = 0;
/** Note On [S, 2 fields: pitch, velocity]. */
export const typeKeyOn = 1;
/** Note Off [S, 2 fields: pitch, velocity]. */
export const typeKeyOff = 2;
/** Polyphonic key pressure [S, 2 fields: pitch, pressure]. */
export const typeKeyPress = 3;
/** Control change [S, 2 fields: controller, value]. */
export const typeCtrlChange = 4;
/** Program change [S, 1 field: program]. */
export const typeProgChange = 5;
/** Channel pressure [S, 1 field: pressure]. */
export const typeChanPress = 6;
/** Pitch wheel [S, 2 fields: low 7 bits, high 7 bits]. */
export const typePitchWheel = 7;
/** Song position [S, 2 fields: low 7 bits, high 7 bits]. */
export const typeSongPos = 8;
/** Song select [S, 1 field: song]. */
export const typeSongSel = 9;
/** MIDI clock [S, no field]. */
export const typeClock = 10;
/** MIDI start [S, no field]. */
export const typeStart = 11;
/** MIDI continue [S, no field]. */
export const typeContinue = 12;
/** MIDI stop [S, no field]. */
export const typeStop = 13;
/** Tune request [S, no field]. */
export const typeTune = 14;
/** Active sensing [S, no field]. */
export const typeActiveSens = 15;
/** System reset [S, no field]. */
export const typeReset = 16;
/** System exclusive, data bytes without F0/F7 [V]. */
export const typeSysEx = 17;
/** Raw byte stream sent as stored [V]. */
export const typeStream = 18;
/** First private type; 19..127 are private [P, 4 int32 fields]. */
export const typePrivate = 19;
/** Real-time task [P: function and 3 arguments]. */
export const typeProcess = 128;
/** Deferred task [P: function and 3 arguments]. */
export const typeDProcess = 129;
/** MIDI time code quarter frame [S, 2 fields: message type, nibble]. */
export const typeQuarterFrame = 130;
/** Alias of {@link typeQuarterFrame}. */
export const typeQFrame = 130;
/** 14-bit controller [S, 2 fields: controller 0..31, value 0..16383]. */
export const typeCtrl14b = 131;
/** Non-registered parameter [S, 2 fields: number, value]. */
export const typeNonRegParam = 132;
/** Registered parameter [S, 2 fields: number, value]. */
export const typeRegParam = 133;
/** Sequence number meta event [S, 1 field]. */
export const typeSeqNum = 134;
/** Text meta event [V]. */
export const typeTextual = 135;
/** Alias of {@link typeTextual}. */
export const typeText = 135;
/** Copyright meta event [V]. */
export const typeCopyright = 136;
/** Sequence name meta event [V]. */
export const typeSeqName = 137;
/** Instrument name meta event [V]. */
export const typeInstrName = 138;
/** Lyric meta event [V]. */
export const typeLyric = 139;
/** Marker meta event [V]. */
export const typeMarker = 140;
/** Cue point meta event [V]. */
export const typeCuePoint = 141;
/** Channel prefix meta event [S, 1 field]. */
export const typeChanPrefix = 142;
/** End of track meta event [S, no field]. */
export const typeEndTrack = 143;
/** Tempo meta event [S, 1 field: microseconds per quarter]. */
export const typeTempo = 144;
/** SMPTE offset meta event [S, 6 packed fields]. */
export const typeSMPTEOffset = 145;
/** Time signature meta event [S, 4 fields]. */
export const typeTimeSign = 146;
/** Key signature meta event [S, 2 fields]. */
export const typeKeySign = 147;
/** Sequencer specific meta event [V]. */
export const typeSpecific = 148;
/** Port prefix meta event [S, 1 field]. */
export const typePortPrefix = 149;
/** Receive alarm event [S, no field]. */
export const typeRcvAlarm = 150;
/** Application alarm event [S, 1 field: change code]. */
export const typeApplAlarm = 151;
/** First reserved type; 152..254 cannot be allocated [U]. */
export const typeReserved = 152;
/** Last reserved type [U]. */
export const typeLastReserved = 254;
/** A forgotten task [P]. */
export const typeDead = 255;

// ---- MIDI status bytes (spec §2.2)

/** Note Off status. */
export const NoteOff = 0x80;
/** Note On status. */
export const NoteOn = 0x90;
/** Polyphonic aftertouch status. */
export const PolyTouch = 0xa0;
/** Control change status. */
export const ControlChg = 0xb0;
/** Program change status. */
export const ProgramChg = 0xc0;
/** Channel aftertouch status. */
export const AfterTouch = 0xd0;
/** Pitch bend status. */
export const PitchBend = 0xe0;
/** First system status. */
export const SysRealTime = 0xf0;
/** System exclusive start. */
export const SysEx = 0xf0;
/** MTC quarter frame. */
export const QFrame = 0xf1;
/** Song position pointer. */
export const SongPos = 0xf2;
/** Song select. */
export const SongSel = 0xf3;
/** Undefined system common 0xF4. */
export const UnDef2 = 0xf4;
/** Undefined system common 0xF5. */
export const UnDef3 = 0xf5;
/** Tune request. */
export const Tune = 0xf6;
/** End of system exclusive. */
export const EndSysX = 0xf7;
/** Timing clock. */
export const MClock = 0xf8;
/** Undefined real-time 0xF9. */
export const UnDef4 = 0xf9;
/** Start. */
export const MStart = 0xfa;
/** Continue. */
export const MCont = 0xfb;
/** Stop. */
export const MStop = 0xfc;
/** Undefined real-time 0xFD. */
export const UnDef5 = 0xfd;
/** Active sensing. */
export const ActSense = 0xfe;
/** System reset. */
export const MReset = 0xff;
/** Historic serial port number of the modem port. */
export const ModemPort = 0;
/** Historic serial port number of the printer port. */
export const PrinterPort = 1;

// ---- Error codes (spec §2.3)

/** No free refnum or slot. */
export const MIDIerrSpace: number = -1;
/** Not a driver refnum. */
export const MIDIerrRefNum: number = -2;
/** Defined, never returned. */
export const MIDIerrBadType: number = -3;
/** Index out of range, or name not found. */
export const MIDIerrIndex: number = -4;
/** Defined (nil event argument), never returned. */
export const MIDIerrEv: number = -5;
/** Defined (undefined event argument), never returned. */
export const MIDIerrUndef: number = -6;
/** `MidiGetError`: all is well. */
export const MIDInoErr = 0;
/** `MidiGetError` bit: a driver could not be loaded. */
export const MIDIerrDriverLoad = 1;
/** `MidiGetError` bit: the time source could not be started. */
export const MIDIerrTime = 2;

// ---- Change codes for application alarms (spec §2.4)

/** An application was opened. */
export const MIDIOpenAppl = 1;
/** An application was closed. */
export const MIDICloseAppl = 2;
/** An application or driver was renamed. */
export const MIDIChgName = 3;
/** A connection was made or broken (refnum = source). */
export const MIDIChgConnect = 4;
/** Obsolete, never sent. */
export const MIDIOpenModem = 5;
/** Obsolete, never sent. */
export const MIDICloseModem = 6;
/** Obsolete, never sent. */
export const MIDIOpenPrinter = 7;
/** Obsolete, never sent. */
export const MIDIClosePrinter = 8;
/** Locked to external time code. */
export const MIDISyncStart = 9;
/** External lock lost. */
export const MIDISyncStop = 10;
/** Synchronisation mode changed. */
export const MIDIChangeSync = 11;
/** A driver registered. */
export const MIDIOpenDriver = 12;
/** A driver unregistered. */
export const MIDICloseDriver = 13;
/** A slot was added (refnum = driver). */
export const MIDIAddSlot = 14;
/** A slot was removed (refnum = driver). */
export const MIDIRemoveSlot = 15;
/** A port to slot connection changed (refnum = driver). */
export const MIDIChgSlotConnect = 16;
/** A slot was renamed (refnum = driver). */
export const MIDIChgSlotName = 17;

// ---- Synchronisation and SMPTE (spec §2.5)

/** Sync mode bit: external time code. */
export const MIDISyncExternal = 0x8000;
/** Sync mode bit: any port. */
export const MIDISyncAnyPort = 0x4000;
/** Sync mode: internal clock. */
export const MIDISyncInternal = 0;
/** SMPTE format: 24 frames per second. */
export const kSync24fs = 0;
/** SMPTE format: 25 frames per second. */
export const kSync25fs = 1;
/** SMPTE format: 30 drop frame (30000/1001 fps). */
export const kSync30dfs = 2;
/** SMPTE format: 30 frames per second. */
export const kSync30fs = 3;

// ---- Slots (spec §2.6), both spellings

/** Slot direction: input. */
export const MidiInputSlot = 1;
/** Slot direction: output. */
export const MidiOutputSlot = 2;
/** Slot direction: input and output. */
export const MidiInputOutputSlot = 3;
/** Release-notes spelling of {@link MidiInputSlot}. */
export const MIDIInputSlot = 1;
/** Release-notes spelling of {@link MidiOutputSlot}. */
export const MIDIOutputSlot = 2;
/** Release-notes spelling of {@link MidiInputOutputSlot}. */
export const MIDIInputOutputSlot = 3;

// ---- Limits (spec §2.7) and version (spec §2.8)

/** Refnum of the driver-side image of MidiShare. */
export const MidiShareDriverRef = 127;
/** Number of entries of the refnum table. */
export const REFNUM_COUNT = 128;
/** Admission bound: open applications plus drivers, images counted, stay below it. */
export const ADMISSION_LIMIT = 126;
/** Characters kept of an application, driver or slot name. */
export const NAME_MAX_LENGTH = 31;
/** Number of MidiShare ports. */
export const PORT_COUNT = 256;
/** Slots per driver. */
export const SLOT_COUNT = 64;
/** Default size of a client pool, in cells. */
export const DEFAULT_POOL_CELLS = 15000;
/** The value of `MidiGetVersion()`. */
export const MIDISHARE_VERSION = 195;
