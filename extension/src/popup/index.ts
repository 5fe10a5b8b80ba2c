// The popup. MINIMAL FIRST VERSION: localized text only.
import { localize } from '../shared/i18n.ts';

localize();
