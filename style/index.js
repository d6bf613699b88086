import './base.css';
import './tabs.css';
import './diagnosis.css';
