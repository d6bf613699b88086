import './base.css';
import './diagnosis.css';
